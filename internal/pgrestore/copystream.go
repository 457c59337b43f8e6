package pgrestore

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Row counts and checksums over COPY text data.
//
// Both sides of a comparison are computed over the same representation:
// PostgreSQL's COPY text format, one line per row. The source side is the
// dump's own COPY data (streamed out of the archive by
// `pg_restore --data-only -f -`) or, for a database_url source, COPY TO
// STDOUT on the source inside the dump's snapshot; the target side is
// COPY (SELECT <the dump's column list> FROM ONLY table) TO STDOUT.
//
// The checksum of a table is the sum, modulo 2^64, of the first 8 bytes
// (big-endian) of the SHA-256 of each row's line: independent of row
// order, sensitive to any changed, missing or duplicated row. It is shown
// as 16 hex digits.
//
// Text output depends on session settings and server versions in a few
// places, so the target session uses pg_dump's settings (DateStyle ISO,
// IntervalStyle postgres, extra_float_digits 3) plus TimeZone UTC and
// bytea_output hex, and these column types are normalised on both sides
// before hashing:
//
//   - timestamptz: pg_dump prints it in the source session's TimeZone;
//     both sides are converted to UTC microseconds;
//   - float4/float8: servers before 12 print 17 significant digits with
//     extra_float_digits 3, newer ones the shortest exact form; both sides
//     are parsed and printed in the shortest form.
//
// Values of those types nested in arrays, ranges or composites are not
// normalised: a source dumped in another time zone than UTC (Heroku and
// RDS use UTC) reports a checksum mismatch for such columns. An archive
// whose client_encoding is not UTF8 is only row-counted.

type colKind uint8

const (
	kindRaw colKind = iota
	kindTimestamptz
	kindFloat4
	kindFloat8
)

// PostgreSQL type OIDs (pg_type.dat).
const (
	oidTimestamptz = 1184
	oidFloat4      = 700
	oidFloat8      = 701
)

func kindOf(typeOID uint32) colKind {
	switch typeOID {
	case oidTimestamptz:
		return kindTimestamptz
	case oidFloat4:
		return kindFloat4
	case oidFloat8:
		return kindFloat8
	}
	return kindRaw
}

// maxNormField is the longest field that is normalised; longer ones (which
// cannot be a timestamp or a float) are hashed as they are.
const maxNormField = 128

// rowHasher consumes COPY text output (rows ending in \n) and counts rows
// and, when checksum is set, sums the row hashes. It keeps no row in
// memory, whatever the row size.
type rowHasher struct {
	kinds    []colKind
	checksum bool

	rows int64
	sum  uint64

	h       hash.Hash
	digest  [sha256.Size]byte
	col     int
	field   []byte // the current field, for normalised columns
	spilled bool   // the current normalised field was too long: hashed raw
	midRow  bool   // bytes of an unfinished row were seen
}

func newRowHasher(kinds []colKind, checksum bool) *rowHasher {
	r := &rowHasher{kinds: kinds, checksum: checksum}
	if checksum {
		r.h = sha256.New()
	}
	return r
}

func (r *rowHasher) kind() colKind {
	if r.col < len(r.kinds) {
		return r.kinds[r.col]
	}
	return kindRaw
}

// Write implements io.Writer.
func (r *rowHasher) Write(p []byte) (int, error) {
	n := len(p)
	if !r.checksum {
		c := bytes.Count(p, []byte{'\n'})
		r.rows += int64(c)
		if len(p) > 0 {
			r.midRow = p[len(p)-1] != '\n'
		}
		return n, nil
	}
	for len(p) > 0 {
		r.midRow = true
		i := bytes.IndexAny(p, "\t\n")
		seg := p
		if i >= 0 {
			seg = p[:i]
		}
		r.addToField(seg)
		if i < 0 {
			break
		}
		r.endField()
		if p[i] == '\t' {
			r.h.Write([]byte{'\t'})
			r.col++
		} else {
			r.endRow()
		}
		p = p[i+1:]
	}
	return n, nil
}

func (r *rowHasher) addToField(seg []byte) {
	if len(seg) == 0 {
		return
	}
	if r.kind() == kindRaw || r.spilled {
		r.h.Write(seg)
		return
	}
	if len(r.field)+len(seg) > maxNormField {
		r.h.Write(r.field)
		r.h.Write(seg)
		r.field = r.field[:0]
		r.spilled = true
		return
	}
	r.field = append(r.field, seg...)
}

func (r *rowHasher) endField() {
	if r.kind() != kindRaw && !r.spilled {
		r.h.Write(normalizeField(r.kind(), r.field))
	}
	r.field = r.field[:0]
	r.spilled = false
}

func (r *rowHasher) endRow() {
	sum := r.h.Sum(r.digest[:0])
	r.sum += binary.BigEndian.Uint64(sum[:8])
	r.rows++
	r.h.Reset()
	r.col = 0
	r.midRow = false
}

// Close counts a last row without its newline (COPY always ends rows with
// one; this is for robustness).
func (r *rowHasher) Close() {
	if !r.midRow {
		return
	}
	if r.checksum {
		r.endField()
		r.endRow()
		return
	}
	r.rows++
	r.midRow = false
}

// Rows is the number of rows seen.
func (r *rowHasher) Rows() int64 { return r.rows }

// Checksum is the order-independent checksum, or "" when not computed.
func (r *rowHasher) Checksum() string {
	if !r.checksum {
		return ""
	}
	return fmt.Sprintf("%016x", r.sum)
}

// normalizeField returns the canonical form of a COPY text field of the
// given kind, or the field unchanged when it does not parse (both sides
// get the same function, so equal inputs stay equal).
func normalizeField(kind colKind, f []byte) []byte {
	if len(f) == 0 || (len(f) == 2 && f[0] == '\\' && f[1] == 'N') {
		return f
	}
	switch kind {
	case kindTimestamptz:
		if v, ok := parseTimestamptz(string(f)); ok {
			return []byte(v)
		}
	case kindFloat4, kindFloat8:
		bits := 64
		if kind == kindFloat4 {
			bits = 32
		}
		if v, err := strconv.ParseFloat(string(f), bits); err == nil {
			return []byte(strconv.FormatFloat(v, 'g', -1, bits))
		}
	}
	return f
}

var tstzRE = regexp.MustCompile(`^(\d{4,})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?([+-])(\d{2})(?::(\d{2}))?(?::(\d{2}))?( BC)?$`)

// parseTimestamptz parses timestamptz text in DateStyle ISO
// ("2024-05-01 12:00:00.123456+02", "... BC", "infinity") and returns it as
// seconds and microseconds since the Unix epoch, UTC.
func parseTimestamptz(s string) (string, bool) {
	switch s {
	case "infinity", "-infinity":
		return s, true
	}
	m := tstzRE.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	atoi := func(v string) int {
		n, _ := strconv.Atoi(v)
		return n
	}
	year := atoi(m[1])
	if m[12] != "" {
		year = 1 - year // 1 BC is year 0
	}
	micros := 0
	if m[7] != "" {
		micros = atoi((m[7] + "000000")[:6])
	}
	off := atoi(m[9])*3600 + atoi(m[10])*60 + atoi(m[11])
	if m[8] == "-" {
		off = -off
	}
	t := time.Date(year, time.Month(atoi(m[2])), atoi(m[3]), atoi(m[4]), atoi(m[5]), atoi(m[6]), micros*1000, time.UTC)
	t = t.Add(-time.Duration(off) * time.Second)
	return fmt.Sprintf("ts%d.%06d", t.Unix(), t.Nanosecond()/1000), true
}

// copyHeader is pg_dump's "COPY schema.table (a, b) FROM stdin;".
type copyHeader struct {
	Schema, Name string
	Columns      []string
}

// parseCopyHeader parses a COPY line of a data-only script.
func parseCopyHeader(line string) (copyHeader, bool) {
	rest, ok := strings.CutPrefix(line, "COPY ")
	if !ok {
		return copyHeader{}, false
	}
	schema, name, rest, ok := parseQualifiedName(rest)
	if !ok {
		return copyHeader{}, false
	}
	h := copyHeader{Schema: schema, Name: name}
	rest = strings.TrimLeft(rest, " ")
	if strings.HasPrefix(rest, "(") {
		rest = rest[1:]
		for {
			rest = strings.TrimLeft(rest, " ")
			if strings.HasPrefix(rest, ")") {
				rest = rest[1:]
				break
			}
			col, r, ok := parseIdent(rest)
			if !ok {
				return copyHeader{}, false
			}
			h.Columns = append(h.Columns, col)
			rest = strings.TrimLeft(r, " ")
			if strings.HasPrefix(rest, ",") {
				rest = rest[1:]
				continue
			}
			if !strings.HasPrefix(rest, ")") {
				return copyHeader{}, false
			}
		}
	}
	if strings.TrimSpace(rest) != "FROM stdin;" {
		return copyHeader{}, false
	}
	return h, true
}

// selectSQL is the target-side query over the same columns.
func (h copyHeader) selectSQL() string {
	cols := make([]string, len(h.Columns))
	for i, c := range h.Columns {
		cols[i] = quoteIdent(c)
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM ONLY " + quoteQualified(h.Schema, h.Name)
}

// tableStats is one table's rows and checksum on one side.
type tableStats struct {
	Entry    *tocEntry
	Header   copyHeader
	Rows     int64
	Checksum string
	Found    bool // COPY data was seen (or the source was queried)

	kinds []colKind // the normalisation of each column, for the target side
}

// archiveData is the result of scanning a data-only script.
type archiveData struct {
	Tables   map[int]*tableStats // by dump id
	Encoding string              // the script's client_encoding
}

var setEncodingRE = regexp.MustCompile(`^SET client_encoding = '([^']*)';`)

// scanArchiveData reads the script of
// `pg_restore --verbose --data-only -f - -L <TABLE DATA list> ARCHIVE` and
// counts (and checksums) the rows of each COPY block, attributing each to
// the TOC entry announced by the preceding "-- TOC entry N" comment.
// kinds, if not nil, is asked for the column kinds of each table when its
// COPY header is read; checksum says whether to hash rows. Memory stays
// bounded whatever the size of rows and tables.
func scanArchiveData(r io.Reader, byID map[int]*tocEntry, checksum bool,
	kinds func(h copyHeader) ([]colKind, error)) (*archiveData, error) {
	out := &archiveData{Tables: map[int]*tableStats{}}
	br := bufio.NewReaderSize(r, 1<<20)
	var cur *tocEntry
	var st *tableStats
	var rh *rowHasher
	atLineStart := true
	for {
		chunk, err := br.ReadSlice('\n')
		if len(chunk) > 0 {
			complete := chunk[len(chunk)-1] == '\n'
			switch {
			case rh != nil && atLineStart && string(chunk) == "\\.\n":
				rh.Close()
				st.Rows, st.Checksum = rh.Rows(), rh.Checksum()
				rh, st = nil, nil
			case rh != nil:
				_, _ = rh.Write(chunk)
			case atLineStart:
				// Outside COPY data only the start of a line matters; the
				// rest of a long one arrives as further chunks, skipped.
				line := strings.TrimRight(string(chunk), "\r\n")
				switch {
				case strings.HasPrefix(line, "-- TOC entry "):
					cur = nil
					if m := scanEntryRE.FindStringSubmatch(line); m != nil {
						id, _ := strconv.Atoi(m[1])
						cur = byID[id]
					}
				case strings.HasPrefix(line, "SET client_encoding = "):
					if m := setEncodingRE.FindStringSubmatch(line); m != nil {
						out.Encoding = m[1]
					}
				case strings.HasPrefix(line, "COPY ") && strings.HasSuffix(line, " FROM stdin;"):
					if cur == nil || cur.Desc != "TABLE DATA" {
						return nil, fmt.Errorf("archive data: COPY without a TABLE DATA entry before it: %.200q", line)
					}
					h, ok := parseCopyHeader(line)
					if !ok {
						return nil, fmt.Errorf("archive data: cannot parse %.200q", line)
					}
					var ks []colKind
					if checksum && kinds != nil {
						if ks, err = kinds(h); err != nil {
							return nil, err
						}
					}
					st = &tableStats{Entry: cur, Header: h, Found: true, kinds: ks}
					out.Tables[cur.ID] = st
					rh = newRowHasher(ks, checksum)
				}
			}
			atLineStart = complete
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if errors.Is(err, io.EOF) {
			if rh != nil {
				return nil, fmt.Errorf("archive data: the COPY data of %s has no end marker (\\.)", st.Entry.qualified())
			}
			return out, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
