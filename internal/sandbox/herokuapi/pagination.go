package herokuapi

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// sortField is one attribute a list can be ranged by.
type sortField[T any] struct {
	name    string
	key     func(*T) string
	numeric bool // keys are decimal integers and compare as numbers
}

// sortKey is a precomputed key of one item for one field.
type sortKey struct {
	s string
	n int64
}

// list is an immutable collection that answers Range requests. Items are
// pre-sorted once per field, so a page costs a binary search plus the page.
type list[T any] struct {
	items  []T
	fields []sortField[T]
	// sorted[f] holds item indexes in ascending order of field f, and
	// keys[f][i] the key of item i for field f.
	sorted [][]int
	keys   [][]sortKey
}

func newList[T any](items []T, fields ...sortField[T]) *list[T] {
	l := &list[T]{items: items, fields: fields}
	for _, f := range fields {
		keys := make([]sortKey, len(items))
		for i := range items {
			k := sortKey{s: f.key(&items[i])}
			if f.numeric {
				k.n, _ = strconv.ParseInt(k.s, 10, 64)
			}
			keys[i] = k
		}
		idx := make([]int, len(items))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int { return compareKeys(f.numeric, keys[a], keys[b]) })
		l.sorted = append(l.sorted, idx)
		l.keys = append(l.keys, keys)
	}
	return l
}

func compareKeys(numeric bool, a, b sortKey) int {
	if numeric {
		return cmp.Compare(a.n, b.n)
	}
	return strings.Compare(a.s, b.s)
}

// acceptRanges is the value of the Accept-Ranges response header.
func (l *list[T]) acceptRanges() string {
	names := make([]string, len(l.fields))
	for i, f := range l.fields {
		names[i] = f.name
	}
	return strings.Join(names, ", ")
}

// pageResult is one page of a list.
type pageResult[T any] struct {
	items []T
	// next is the Range of the following page, or nil when this page is the
	// last one.
	next *Range
}

// page answers a Range request. rng is the parsed header (the zero Range when
// the request had none). defaultMax and maxMax are the default and largest
// page sizes; a larger max is clamped, as Heroku does.
func (l *list[T]) page(rng Range, defaultMax, maxMax int) (pageResult[T], *apiError) {
	if rng.Field == "" {
		rng.Field = l.fields[0].name
	}
	fi := slices.IndexFunc(l.fields, func(f sortField[T]) bool { return f.name == rng.Field })
	if fi < 0 {
		return pageResult[T]{}, errBadRange(fmt.Sprintf("Invalid Range header field %q. Acceptable fields: %s.", truncate(rng.Field, 32), l.acceptRanges()))
	}
	f := l.fields[fi]
	first, err := boundKey(f, rng.First)
	if err != nil {
		return pageResult[T]{}, err
	}
	last, err := boundKey(f, rng.Last)
	if err != nil {
		return pageResult[T]{}, err
	}

	size := defaultMax
	if rng.Max > 0 {
		size = min(rng.Max, maxMax)
	}
	order := l.sorted[fi]
	keys := l.keys[fi]
	n := len(order)
	cmpAt := func(pos int, k sortKey) int { return compareKeys(f.numeric, keys[order[pos]], k) }

	// Walk positions pos, pos+step, ... within [0, n).
	pos, step := 0, 1
	if rng.Descending {
		pos, step = n-1, -1
	}
	if rng.First != "" {
		if !rng.Descending {
			// First position with key >= first (or > first when exclusive).
			pos = sort.Search(n, func(i int) bool {
				c := cmpAt(i, first)
				return c > 0 || c == 0 && !rng.FirstExclusive
			})
		} else {
			// Last position with key <= first (or < first when exclusive).
			pos = sort.Search(n, func(i int) bool {
				c := cmpAt(i, first)
				return c > 0 || c == 0 && rng.FirstExclusive
			}) - 1
		}
	}
	inBounds := func(p int) bool {
		if p < 0 || p >= n {
			return false
		}
		if rng.Last == "" {
			return true
		}
		c := cmpAt(p, last)
		if rng.Descending {
			c = -c
		}
		return c < 0 || c == 0 && !rng.LastExclusive
	}

	res := pageResult[T]{items: make([]T, 0, min(size, n))}
	for ; inBounds(pos) && len(res.items) < size; pos += step {
		res.items = append(res.items, l.items[order[pos]])
	}
	if len(res.items) == size && inBounds(pos) {
		next := rng
		next.First = keys[order[pos-step]].s
		next.FirstExclusive = true
		next.Max = size
		res.next = &next
	}
	return res, nil
}

func boundKey[T any](f sortField[T], v string) (sortKey, *apiError) {
	k := sortKey{s: v}
	if v == "" || !f.numeric {
		return k, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return k, errBadRange(fmt.Sprintf("Invalid Range header: %s values must be integers.", f.name))
	}
	k.n = n
	return k, nil
}
