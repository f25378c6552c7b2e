package places

// places.bin is made from GeoNames' cities500 and postal code dumps and
// Deutsche Bahn's station list (CC BY 4.0; see SOURCES.md beside them in
// ../shared/geo and the README's "Place data"). Regenerate it with
//
//	go generate ./model/places
//
// from the repository root: the generator finds ../shared/geo beside the
// module root (or beside the main checkout of a git worktree), or takes
// -src. The project never reads those files at run or test time.

//go:generate go run ./internal/gen -out places.bin
