package pgrestore

import (
	"fmt"
	"io"
	"strings"
	"testing"
)

func hashRows(kinds []colKind, checksum bool, chunks ...string) (int64, string) {
	h := newRowHasher(kinds, checksum)
	for _, c := range chunks {
		_, _ = h.Write([]byte(c))
	}
	h.Close()
	return h.Rows(), h.Checksum()
}

func TestRowHasherOrderIndependentAndSensitive(t *testing.T) {
	t.Parallel()
	a := "1\tx\n2\t\\N\n3\tline\\nbreak\n"
	b := "3\tline\\nbreak\n1\tx\n2\t\\N\n"
	n1, s1 := hashRows(nil, true, a)
	n2, s2 := hashRows(nil, true, b)
	if n1 != 3 || n2 != 3 || s1 != s2 || len(s1) != 16 {
		t.Errorf("reordered rows: %d %s vs %d %s", n1, s1, n2, s2)
	}
	for _, other := range []string{
		"1\tx\n2\t\\N\n3\tline\\nbreak\n3\tline\\nbreak\n", // a duplicate
		"1\tx\n2\t\\N\n3\tline\\nbreaK\n",                  // one byte
		"1\tx\t\n2\t\\N\n3\tline\\nbreak\n",                // an extra field
		"x\t1\n2\t\\N\n3\tline\\nbreak\n",                  // values swapped within a row
	} {
		if _, s := hashRows(nil, true, other); s == s1 {
			t.Errorf("checksum did not change for %q", other)
		}
	}
	// Chunk boundaries anywhere give the same result.
	var chunks []string
	for i := 0; i < len(a); i++ {
		chunks = append(chunks, a[i:i+1])
	}
	if n, s := hashRows(nil, true, chunks...); n != 3 || s != s1 {
		t.Errorf("byte-wise: %d %s", n, s)
	}
	if n, s := hashRows(nil, false, chunks...); n != 3 || s != "" {
		t.Errorf("count only: %d %q", n, s)
	}
	// A last row without its newline still counts; empty input is 0 rows.
	if n, _ := hashRows(nil, false, "1\n2"); n != 2 {
		t.Errorf("rows = %d", n)
	}
	if n, s := hashRows(nil, true); n != 0 || s != "0000000000000000" {
		t.Errorf("empty: %d %s", n, s)
	}
}

// The same rows printed by sessions with different TimeZones, and by a
// pre-12 server (17 significant digits), hash the same once normalised.
func TestRowHasherNormalisation(t *testing.T) {
	t.Parallel()
	kinds := []colKind{kindRaw, kindTimestamptz, kindFloat8, kindFloat4}
	newYork := "1\t2024-03-09 20:30:00.5-05\t0.10000000000000001\t0.333333343\n" +
		"2\t2024-07-01 08:00:00-04\t\\N\tInfinity\n" +
		"3\t0044-03-15 10:00:00-04:56:02 BC\t1e+100\tNaN\n" +
		"4\tinfinity\t-0\t3\n"
	utc := "1\t2024-03-10 01:30:00.5+00\t0.1\t0.33333334\n" +
		"2\t2024-07-01 12:00:00+00\t\\N\tInfinity\n" +
		"3\t0044-03-15 14:56:02+00 BC\t1e+100\tNaN\n" +
		"4\tinfinity\t-0\t3\n"
	_, s1 := hashRows(kinds, true, newYork)
	_, s2 := hashRows(kinds, true, utc)
	if s1 != s2 {
		t.Errorf("normalised checksums differ: %s vs %s", s1, s2)
	}
	// Without the kinds they differ (the test data is meaningful).
	_, r1 := hashRows(nil, true, newYork)
	_, r2 := hashRows(nil, true, utc)
	if r1 == r2 {
		t.Error("raw checksums are equal; the test data does not exercise normalisation")
	}
	// A different instant is a different checksum.
	_, s3 := hashRows(kinds, true, strings.Replace(utc, "01:30:00.5", "01:30:00.6", 1))
	if s3 == s2 {
		t.Error("a changed timestamp kept the checksum")
	}
	for in, want := range map[string]string{
		"2000-01-01 00:00:00+00":          "ts946684800.000000",
		"1999-12-31 19:00:00-05":          "ts946684800.000000",
		"2000-01-01 05:30:00.25+05:30":    "ts946684800.250000",
		"12345-01-01 00:00:00+00":         "ts327403382400.000000",
		"not a time":                      "",
		"2000-01-01 00:00:00":             "", // timestamp without time zone: not normalised
		"2000-01-01T00:00:00Z":            "",
		"2000-01-01 00:00:00.1234567+00":  "",
		"2000-01-01 00:00:00+00:00:00 BC": "ts-125249500800.000000",
	} {
		got, ok := parseTimestamptz(in)
		if ok != (want != "") || got != want {
			t.Errorf("parseTimestamptz(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if got := string(normalizeField(kindFloat8, []byte(`\N`))); got != `\N` {
		t.Errorf("NULL normalised to %q", got)
	}
	// A huge field of a normalised column is hashed raw, consistently.
	big := strings.Repeat("9", 1000)
	_, b1 := hashRows([]colKind{kindFloat8}, true, big+"\n")
	_, b2 := hashRows([]colKind{kindFloat8}, true, big[:500], big[500:]+"\n")
	if b1 != b2 {
		t.Error("a long normalised field hashes differently by chunking")
	}
}

func TestParseCopyHeader(t *testing.T) {
	t.Parallel()
	h, ok := parseCopyHeader(`COPY "Mixed Case"."We""ird, Name" ("Col A", "b,c", plain) FROM stdin;`)
	if !ok || h.Schema != "Mixed Case" || h.Name != `We"ird, Name` || strings.Join(h.Columns, "|") != `Col A|b,c|plain` {
		t.Fatalf("header = %+v, %v", h, ok)
	}
	if got := h.selectSQL(); got != `SELECT "Col A", "b,c", "plain" FROM ONLY "Mixed Case"."We""ird, Name"` {
		t.Errorf("selectSQL = %s", got)
	}
	h, ok = parseCopyHeader(`COPY public.nocols  FROM stdin;`)
	if !ok || h.Name != "nocols" || len(h.Columns) != 0 || h.selectSQL() != `SELECT  FROM ONLY "public"."nocols"` {
		t.Errorf("no columns: %+v %v %q", h, ok, h.selectSQL())
	}
	for _, bad := range []string{`COPY public.t (a FROM stdin;`, `COPY public.t (a) TO stdout;`, `SELECT 1;`, `COPY "x (a) FROM stdin;`} {
		if _, ok := parseCopyHeader(bad); ok {
			t.Errorf("accepted %q", bad)
		}
	}
}

// A data-only script as `pg_restore --verbose --data-only -f -` prints it.
func dataScript(rows int) string {
	var b strings.Builder
	b.WriteString("--\n-- PostgreSQL database dump\n--\n\nSET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\n\n")
	b.WriteString("--\n-- TOC entry 3504 (class 0 OID 16556)\n-- Dependencies: 222\n-- Data for Name: Weird Name; Type: TABLE DATA; Schema: public; Owner: postgres\n--\n\n")
	b.WriteString("COPY public.\"Weird Name\" (\"Col A\", \"b,c\") FROM stdin;\n1\tx\n2\t\\N\n\\.\n\n\n")
	b.WriteString("--\n-- TOC entry 3501 (class 0 OID 16529)\n-- Data for Name: users; Type: TABLE DATA; Schema: public; Owner: postgres\n--\n\n")
	b.WriteString("COPY public.users (id, created) FROM stdin;\n")
	for i := 0; i < rows; i++ {
		fmt.Fprintf(&b, "%d\t2024-01-01 00:00:00-05\n", i)
	}
	b.WriteString("\\.\n\n\n--\n-- TOC entry 3502 (class 0 OID 1)\n--\n\nCOPY public.empty (x) FROM stdin;\n\\.\n\n-- Completed\n")
	return b.String()
}

func TestScanArchiveData(t *testing.T) {
	t.Parallel()
	byID := map[int]*tocEntry{
		3504: {ID: 3504, Desc: "TABLE DATA", Namespace: "public", Tag: "Weird Name"},
		3501: {ID: 3501, Desc: "TABLE DATA", Namespace: "public", Tag: "users"},
		3502: {ID: 3502, Desc: "TABLE DATA", Namespace: "public", Tag: "empty"},
	}
	var asked []string
	kinds := func(h copyHeader) ([]colKind, error) {
		asked = append(asked, h.Name)
		if h.Name == "users" {
			return []colKind{kindRaw, kindTimestamptz}, nil
		}
		return nil, nil
	}
	// A reader that hands out 7 bytes at a time: chunk boundaries fall
	// everywhere, including inside "\." lines.
	data, err := scanArchiveData(&trickle{r: strings.NewReader(dataScript(1000)), n: 7}, byID, true, kinds)
	must(t, err)
	if data.Encoding != "UTF8" || len(data.Tables) != 3 || strings.Join(asked, ",") != "Weird Name,users,empty" {
		t.Fatalf("data = %+v, asked %v", data, asked)
	}
	if st := data.Tables[3504]; st.Rows != 2 || st.Header.Name != "Weird Name" || strings.Join(st.Header.Columns, ",") != "Col A,b,c" {
		t.Errorf("weird = %+v", st)
	}
	users := data.Tables[3501]
	_, want := hashRows([]colKind{kindRaw, kindTimestamptz}, true, strings.Repeat("", 0)+usersRowsUTC(1000))
	if users.Rows != 1000 || users.Checksum != want {
		t.Errorf("users = %d %s, want 1000 %s", users.Rows, users.Checksum, want)
	}
	if st := data.Tables[3502]; st.Rows != 0 || !st.Found {
		t.Errorf("empty = %+v", st)
	}
	// Errors: COPY data cut short; a COPY without its entry.
	if _, err := scanArchiveData(strings.NewReader("-- TOC entry 3501 (class 0 OID 1)\nCOPY public.users (id) FROM stdin;\n1\n"), byID, false, nil); err == nil {
		t.Error("unterminated COPY accepted")
	}
	if _, err := scanArchiveData(strings.NewReader("COPY public.users (id) FROM stdin;\n\\.\n"), byID, false, nil); err == nil {
		t.Error("COPY without a TOC entry accepted")
	}
}

func usersRowsUTC(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%d\t2024-01-01 05:00:00+00\n", i)
	}
	return b.String()
}

type trickle struct {
	r io.Reader
	n int
}

func (t *trickle) Read(p []byte) (int, error) {
	if len(p) > t.n {
		p = p[:t.n]
	}
	return t.r.Read(p)
}
