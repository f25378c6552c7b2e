// Command gen builds the place finder's data file from the raw GeoNames
// and Deutsche Bahn files (see SOURCES.md beside them): it reads them into
// a wire.Dataset, indexes that (package build) and writes the index as
// places.bin. `go generate
// ./model/places` runs it; the file it writes is committed, so the project
// never reads the raw files at run or test time.
//
// Usage:
//
//	go run ./internal/gen [-src DIR] [-out places.bin]
//
// Without -src it looks for ../shared/geo beside the module root, and, in a
// git worktree, beside the main checkout.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	index "github.com/petitmonde/chargedesk/model/places/internal/build"
	"github.com/petitmonde/chargedesk/model/places/internal/wire"
)

// The three source files, as SOURCES.md names them.
const (
	citiesFile   = "geonames-cities500-DE.tsv"
	postalFile   = "geonames-postalcodes-DE.csv"
	stationsFile = "db-stations.ndjson"
)

// defaultSrc is where the raw data lives, relative to the module root.
const defaultSrc = "../shared/geo"

func main() {
	src := flag.String("src", "", "folder with the source files (default "+defaultSrc+" beside the module root)")
	out := flag.String("out", "places.bin", "file to write")
	flag.Parse()
	if err := run(*src, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(src, out string) error {
	dir, err := sourceDir(src)
	if err != nil {
		return err
	}
	ds, err := build(dir)
	if err != nil {
		return err
	}
	data := index.FromDataset(ds).Encode()
	if err := wire.Check(string(data)); err != nil {
		return err
	}
	tmp := out + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, out); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "gen: %s: %d towns and localities, %d postal codes, %d stations, %d bytes\n",
		out, len(ds.Towns), len(ds.Postal), len(ds.Stations), len(data))
	return nil
}

// sourceDir finds the raw data: the flag's folder, or the default beside the
// module root or beside the main checkout of this worktree.
func sourceDir(flagDir string) (string, error) {
	if flagDir != "" {
		return flagDir, checkDir(flagDir)
	}
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	tried := []string{filepath.Join(root, defaultSrc)}
	if main, ok := mainCheckout(root); ok {
		tried = append(tried, filepath.Join(main, defaultSrc))
	}
	for _, dir := range tried {
		if checkDir(dir) == nil {
			return dir, nil
		}
	}
	return "", fmt.Errorf("no source data in %s; pass -src DIR", strings.Join(tried, " or "))
}

func checkDir(dir string) error {
	for _, f := range []string{citiesFile, postalFile, stationsFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return err
		}
	}
	return nil
}

// moduleRoot is the nearest folder upwards with a go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside a Go module")
		}
		dir = parent
	}
}

// mainCheckout is the main working tree when root is a linked git worktree,
// whose .git is a file naming its folder in the main repository.
func mainCheckout(root string) (string, bool) {
	b, err := os.ReadFile(filepath.Join(root, ".git"))
	if err != nil {
		return "", false
	}
	gitdir, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir: ")
	if !ok {
		return "", false
	}
	if !filepath.IsAbs(gitdir) {
		gitdir = filepath.Join(root, gitdir)
	}
	common := filepath.Join(gitdir, "..", "..") // .git/worktrees/NAME → .git
	if c, err := os.ReadFile(filepath.Join(gitdir, "commondir")); err == nil {
		common = filepath.Join(gitdir, strings.TrimSpace(string(c)))
	}
	return filepath.Dir(filepath.Clean(common)), true
}
