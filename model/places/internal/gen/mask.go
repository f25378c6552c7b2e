package main

import "github.com/petitmonde/chargedesk/model/places/internal/wire"

// The mask's grid: cells of 0.05° latitude by 0.075° longitude (about
// 5.5 km square at 50° N) from 47.2° N 5.8° E to 55.1° N 15.1° E.
var (
	maskOrigin = wire.Point{Lat: 4720000, Lng: 580000}
	maskCell   = wire.Point{Lat: 5000, Lng: 7500}
)

const maskRows, maskCols = 158, 124

// buildMask marks the cells that hold a German place, postal code or
// station, then
// the cells next to those (so a point between two villages near the
// border is still in), then the holes the marked cells enclose (forests,
// lakes, military areas).
func buildMask(ds *wire.Dataset) wire.Mask {
	var g grid
	for _, t := range ds.Towns {
		g.mark(t.At)
	}
	for _, p := range ds.Postal {
		g.mark(p.At)
	}
	for _, s := range ds.Stations {
		g.mark(s.At)
	}
	g = g.grown()
	g.fillHoles()
	m := wire.Mask{Origin: maskOrigin, Cell: maskCell, Rows: maskRows, Cols: maskCols}
	m.Bits = make([]byte, (maskRows*maskCols+7)/8)
	for r := range maskRows {
		for c := range maskCols {
			if g[r][c] {
				i := r*maskCols + c
				m.Bits[i/8] |= 1 << (i % 8)
			}
		}
	}
	return m
}

type grid [maskRows][maskCols]bool

func (g *grid) mark(p wire.Point) {
	r := int((p.Lat - maskOrigin.Lat) / maskCell.Lat)
	c := int((p.Lng - maskOrigin.Lng) / maskCell.Lng)
	if p.Lat >= maskOrigin.Lat && p.Lng >= maskOrigin.Lng && r < maskRows && c < maskCols {
		g[r][c] = true
	}
}

// grown is g with every cell next to a marked one marked too.
func (g *grid) grown() grid {
	var out grid
	for r := range maskRows {
		for c := range maskCols {
			if !g[r][c] {
				continue
			}
			for dr := -1; dr <= 1; dr++ {
				for dc := -1; dc <= 1; dc++ {
					if rr, cc := r+dr, c+dc; rr >= 0 && rr < maskRows && cc >= 0 && cc < maskCols {
						out[rr][cc] = true
					}
				}
			}
		}
	}
	return out
}

// fillHoles marks every cell that the outside cannot reach.
func (g *grid) fillHoles() {
	var outside grid
	var queue [][2]int
	visit := func(r, c int) {
		if r >= 0 && r < maskRows && c >= 0 && c < maskCols && !g[r][c] && !outside[r][c] {
			outside[r][c] = true
			queue = append(queue, [2]int{r, c})
		}
	}
	for r := range maskRows {
		visit(r, 0)
		visit(r, maskCols-1)
	}
	for c := range maskCols {
		visit(0, c)
		visit(maskRows-1, c)
	}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		visit(p[0]+1, p[1])
		visit(p[0]-1, p[1])
		visit(p[0], p[1]+1)
		visit(p[0], p[1]-1)
	}
	for r := range maskRows {
		for c := range maskCols {
			if !outside[r][c] {
				g[r][c] = true
			}
		}
	}
}
