package wire

import (
	"bytes"
	"compress/gzip"
	"io"
	"testing"
)

func unpack(t *testing.T, file []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func repack(t *testing.T, w io.Writer, raw []byte) {
	t.Helper()
	zw := gzip.NewWriter(w)
	if _, err := zw.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}
