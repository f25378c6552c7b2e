//go:build ignore

// Command release builds chargedesk's release: one archive per platform
// (windows, darwin and linux, each amd64 and arm64; a .zip for Windows, a
// .tar.gz elsewhere) and a SHA-256 checksum file. It needs nothing but Go
// (git, when there, names the commit). Run it from the repository root:
//
//	go run .ci/release.go -version v1.2.0        # a release, into dist/
//	go run .ci/release.go -snapshot -out /tmp/x   # what CI runs
//
// Each archive holds one folder, chargedesk_VERSION_OS_ARCH, with the
// binary (built without cgo, -trimpath, the version and commit stamped in:
// `chargedesk --version` prints both), README.md, NOTICE.txt (the place
// data's attribution, which CC BY 4.0 asks of every copy) and
// THIRD_PARTY_LICENSES.txt (the licence of every module linked into that
// platform's binary, from the module cache). Archive entries are sorted and
// dated by the commit (or SOURCE_DATE_EPOCH), so the same commit gives the
// same archives.
package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// targets are the platforms a release is built for.
var targets = []struct{ goos, goarch string }{
	{"linux", "amd64"}, {"linux", "arm64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
}

// notice is NOTICE.txt: what the embedded place data's licence asks every
// copy to say (the README's "Place data").
const notice = `chargedesk embeds place data for Germany:

  Place data © GeoNames (geonames.org), CC BY 4.0:
    cities500 and the postal code dump for Germany.
  Station data © Deutsche Bahn AG, CC BY 4.0:
    DB's station list.

Licence: Creative Commons Attribution 4.0 International,
https://creativecommons.org/licenses/by/4.0/
The data was converted into chargedesk's place index (model/places/places.bin);
see "Place data" in README.md.

The licences of the Go modules linked into this binary are in
THIRD_PARTY_LICENSES.txt.
`

type release struct {
	version, commit string
	date            time.Time // every archive entry's time
	out             string
}

func main() {
	out := flag.String("out", "dist", "folder to write the archives and checksums to (made if missing)")
	version := flag.String("version", "", "the version to stamp in (default: the tag at HEAD; required without one, unless -snapshot)")
	commit := flag.String("commit", "", "the commit to stamp in (default: git rev-parse HEAD, -dirty with changes)")
	snapshot := flag.Bool("snapshot", false, "a test build of whatever is checked out: version 0.0.0-snapshot-COMMIT unless -version says")
	flag.Parse()
	if err := run(*out, *version, *commit, *snapshot); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

func run(out, version, commit string, snapshot bool) error {
	if _, err := os.Stat("go.mod"); err != nil {
		return errors.New("run it from the repository root (no go.mod here)")
	}
	r := &release{version: version, commit: commit, out: out}
	if r.commit == "" {
		r.commit = gitCommit()
	}
	if r.version == "" {
		switch tag := git("describe", "--tags", "--exact-match", "HEAD"); {
		case snapshot:
			r.version = "0.0.0-snapshot-" + short(r.commit)
		case tag != "":
			r.version = tag
		default:
			return errors.New("HEAD has no tag: pass -version vX.Y.Z, or -snapshot for a test build")
		}
	}
	if strings.ContainsAny(r.version, " /\\\"'") {
		return fmt.Errorf("version %q: no spaces, slashes or quotes", r.version)
	}
	r.date = sourceDate()
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "chargedesk-release-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	fmt.Printf("chargedesk %s (commit %s), dated %s\n", r.version, r.commit, r.date.UTC().Format(time.RFC3339))
	var sums []string
	for _, t := range targets {
		name, err := r.archive(tmp, t.goos, t.goarch, readme)
		if err != nil {
			return fmt.Errorf("%s/%s: %w", t.goos, t.goarch, err)
		}
		sum, size, err := sha256File(filepath.Join(out, name))
		if err != nil {
			return err
		}
		sums = append(sums, sum+"  "+name+"\n")
		fmt.Printf("  %-50s %9d bytes  sha256 %s\n", name, size, sum)
	}
	slices.SortFunc(sums, func(a, b string) int { return strings.Compare(a[66:], b[66:]) })
	sumsName := "chargedesk_" + fileVersion(r.version) + "_checksums.txt"
	if err := os.WriteFile(filepath.Join(out, sumsName), []byte(strings.Join(sums, "")), 0o644); err != nil {
		return err
	}
	fmt.Printf("  %s (sha256sum -c %s)\n", filepath.Join(out, sumsName), sumsName)
	return nil
}

// archive builds one platform's binary and packs it with the documents.
func (r *release) archive(tmp, goos, goarch string, readme []byte) (string, error) {
	base := "chargedesk_" + fileVersion(r.version) + "_" + goos + "_" + goarch
	exe := "chargedesk"
	if goos == "windows" {
		exe += ".exe"
	}
	bin := filepath.Join(tmp, base, exe)
	env := append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch)
	ldflags := "-s -w -X main.version=" + r.version + " -X main.commit=" + r.commit
	if err := goCmd(env, "build", "-trimpath", "-ldflags", ldflags, "-o", bin, "."); err != nil {
		return "", err
	}
	if goos == runtime.GOOS && goarch == runtime.GOARCH {
		if err := r.checkStamp(bin); err != nil {
			return "", err
		}
	}
	binary, err := os.ReadFile(bin)
	if err != nil {
		return "", err
	}
	licences, err := thirdPartyLicences(env)
	if err != nil {
		return "", err
	}
	files := []file{
		{exe, binary, 0o755},
		{"NOTICE.txt", []byte(notice), 0o644},
		{"README.md", readme, 0o644},
		{"THIRD_PARTY_LICENSES.txt", licences, 0o644},
	}
	name := base + ".tar.gz"
	write := r.writeTarGz
	if goos == "windows" {
		name, write = base+".zip", r.writeZip
		for i := range files { // Notepad and friends read CRLF best
			if strings.HasSuffix(files[i].name, ".txt") {
				files[i].data = bytes.ReplaceAll(files[i].data, []byte("\n"), []byte("\r\n"))
			}
		}
	}
	var buf bytes.Buffer
	if err := write(&buf, base, files); err != nil {
		return "", err
	}
	return name, os.WriteFile(filepath.Join(r.out, name), buf.Bytes(), 0o644)
}

// checkStamp runs the binary built for this machine: --version must say
// what was stamped in.
func (r *release) checkStamp(bin string) error {
	out, err := exec.Command(bin, "--version").Output()
	want := "chargedesk " + r.version + " (commit " + r.commit + ")\n"
	if err != nil || string(out) != want {
		return fmt.Errorf("%s --version said %q (%v), want %q", bin, out, err, want)
	}
	return nil
}

type file struct {
	name string
	data []byte
	mode int64
}

func (r *release) writeTarGz(w io.Writer, dir string, files []file) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	zw.ModTime = r.date
	tw := tar.NewWriter(zw)
	hdr := func(name string, mode int64, size int, typ byte) *tar.Header {
		return &tar.Header{Name: name, Mode: mode, Size: int64(size), Typeflag: typ, ModTime: r.date,
			Uname: "root", Gname: "root", Format: tar.FormatPAX}
	}
	if err := tw.WriteHeader(hdr(dir+"/", 0o755, 0, tar.TypeDir)); err != nil {
		return err
	}
	for _, f := range files {
		if err := tw.WriteHeader(hdr(dir+"/"+f.name, f.mode, len(f.data), tar.TypeReg)); err != nil {
			return err
		}
		if _, err := tw.Write(f.data); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return zw.Close()
}

func (r *release) writeZip(w io.Writer, dir string, files []file) error {
	zw := zip.NewWriter(w)
	d := &zip.FileHeader{Name: dir + "/", Modified: r.date}
	d.SetMode(fs.ModeDir | 0o755)
	if _, err := zw.CreateHeader(d); err != nil {
		return err
	}
	for _, f := range files {
		h := &zip.FileHeader{Name: dir + "/" + f.name, Method: zip.Deflate, Modified: r.date}
		h.SetMode(fs.FileMode(f.mode))
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := fw.Write(f.data); err != nil {
			return err
		}
	}
	return zw.Close()
}

// thirdPartyLicences gathers the licence files of every module that goes
// into the binary for env's platform (the packages differ by platform).
// A module without one stops the release: somebody must look at it.
func thirdPartyLicences(env []string) ([]byte, error) {
	cmd := exec.Command("go", "list", "-deps", "-f", "{{with .Module}}{{if not .Main}}{{.Path}}\t{{.Version}}\t{{.Dir}}{{with .Replace}}\t{{.Dir}}{{end}}{{end}}{{end}}", ".")
	cmd.Env = env
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w", err)
	}
	lines := slices.Compact(slices.Sorted(slices.Values(strings.Split(strings.TrimSpace(string(out)), "\n"))))
	var b bytes.Buffer
	b.WriteString("The Go modules linked into this chargedesk binary, and their licences.\n")
	for _, line := range lines {
		if line == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 3 {
			return nil, fmt.Errorf("go list gave %q", line)
		}
		dir := f[len(f)-1]
		texts, err := licenceFiles(dir)
		if err != nil {
			return nil, err
		}
		if len(texts) == 0 {
			return nil, fmt.Errorf("module %s %s has no licence file in %s", f[0], f[1], dir)
		}
		for _, t := range texts {
			fmt.Fprintf(&b, "\n%s\n%s %s: %s\n%s\n\n", strings.Repeat("=", 78), f[0], f[1], t.name, strings.Repeat("=", 78))
			b.Write(bytes.TrimSpace(t.data))
			b.WriteString("\n")
		}
	}
	return b.Bytes(), nil
}

// licenceFiles are a module's licence, notice and patent grant files.
func licenceFiles(dir string) ([]file, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []file
	for _, e := range entries {
		up := strings.ToUpper(e.Name())
		if e.IsDir() || !(strings.HasPrefix(up, "LICENSE") || strings.HasPrefix(up, "LICENCE") ||
			strings.HasPrefix(up, "COPYING") || strings.HasPrefix(up, "NOTICE") || strings.HasPrefix(up, "PATENTS")) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, file{name: e.Name(), data: data})
	}
	return out, nil
}

func goCmd(env []string, args ...string) error {
	cmd := exec.Command("go", args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}

// git runs git and returns its trimmed output, "" when git is missing or
// fails (the recipe needs only Go).
func git(args ...string) string {
	out, err := exec.Command("git", args...).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// gitCommit is HEAD's commit, "-dirty" when the checkout has changes, or
// "unknown" without git.
func gitCommit() string {
	c := git("rev-parse", "HEAD")
	if c == "" {
		return "unknown"
	}
	if git("status", "--porcelain", "--untracked-files=no") != "" {
		c += "-dirty"
	}
	return c
}

func short(commit string) string {
	if len(commit) > 12 && !strings.HasSuffix(commit, "-dirty") {
		return commit[:12]
	}
	if c, ok := strings.CutSuffix(commit, "-dirty"); ok && len(c) > 12 {
		return c[:12] + "-dirty"
	}
	return commit
}

// sourceDate dates the archives' entries: SOURCE_DATE_EPOCH when set (the
// reproducible-builds convention), else the commit's time, else now.
func sourceDate() time.Time {
	for _, s := range []string{os.Getenv("SOURCE_DATE_EPOCH"), git("log", "-1", "--format=%ct", "HEAD")} {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(n, 0).UTC()
		}
	}
	return time.Now().UTC().Truncate(time.Second)
}

// fileVersion is the version as file names carry it: v1.2.0 is 1.2.0.
func fileVersion(v string) string { return strings.TrimPrefix(v, "v") }

func sha256File(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil)), n, err
}
