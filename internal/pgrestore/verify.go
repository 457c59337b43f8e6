package pgrestore

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
)

// maxVerifyConns bounds the target connections of the verification.
const maxVerifyConns = 4

// verify compares every restored table with the source: rows (and
// checksums) from the source database in the dump's snapshot
// (database_url, srcStats), or from the dump's own COPY data (every other
// source). Result.Tables is filled whatever the outcome.
func (r *run) verify(ctx context.Context, srcStats map[int]*tableStats) error {
	checksum := r.opts.Verify == VerifyChecksums
	tables := r.plan.Tables
	start := r.cfg.Clock.Now()
	r.phase(ctx, "verify", true, map[string]any{"status": "started", "mode": r.opts.Verify, "tables_total": len(tables)})

	expected := srcStats
	if expected == nil {
		conn, err := r.connect(ctx, r.target, "target")
		if err != nil {
			return err
		}
		defer closeConn(conn)
		kinds := func(h copyHeader) ([]colKind, error) {
			cols, err := tableColumns(ctx, conn, quoteQualified(h.Schema, h.Name), r.targetVersionNum)
			if err != nil {
				return nil, fmt.Errorf("verification: reading the columns of %s in the target: %w", quoteQualified(h.Schema, h.Name), err)
			}
			byName := map[string]uint32{}
			for _, c := range cols {
				byName[c.name] = c.typ
			}
			ks := make([]colKind, len(h.Columns))
			for i, c := range h.Columns {
				ks[i] = kindOf(byName[c])
			}
			return ks, nil
		}
		list, err := r.writeSecretFile("data.list", r.plan.writeDataList)
		if err != nil {
			return err
		}
		var data *archiveData
		err = r.pgRestoreOutput(ctx, "verification: reading the archive's data",
			[]string{"--verbose", "--data-only", "--file=-", "--use-list=" + list, r.archive},
			func(rd io.Reader) error {
				var err error
				data, err = scanArchiveData(rd, r.toc.byID, checksum, kinds)
				return err
			})
		if err != nil {
			return err
		}
		if checksum && data.Encoding != "" && !strings.EqualFold(strings.ReplaceAll(data.Encoding, "-", ""), "UTF8") {
			r.warn("the dump's data is in encoding %s, not UTF8, so only row counts are compared", data.Encoding)
			checksum = false
		}
		expected = data.Tables
		r.phase(ctx, "verify", true, map[string]any{"status": "source counted", "tables_total": len(tables),
			"elapsed_s": int(r.cfg.Clock.Now().Sub(start).Seconds())})
	}

	results := make([]TableResult, len(tables))
	for i, e := range tables {
		results[i] = TableResult{Schema: e.Namespace, Name: e.Tag, SourceRows: -1, TargetRows: -1}
		if st := expected[e.ID]; st != nil && st.Found {
			results[i].SourceRows = st.Rows
			if checksum {
				results[i].SourceChecksum = st.Checksum
			}
		}
	}
	defer func() { r.res.Tables = results }()

	var (
		mu      sync.Mutex
		done    int
		firstEr error
	)
	work := make(chan int)
	vctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fail := func(err error) {
		mu.Lock()
		if firstEr == nil {
			firstEr = err
		}
		mu.Unlock()
		cancel()
	}
	var wg sync.WaitGroup
	n := min(max(r.opts.Jobs, 1), maxVerifyConns, max(len(tables), 1))
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var conn *pgx.Conn
			defer func() {
				if conn != nil {
					closeConn(conn)
				}
			}()
			for i := range work {
				if conn == nil {
					c, err := r.connect(vctx, r.target, "target")
					if err != nil {
						fail(err)
						continue
					}
					conn = c
					if err := setSessionForVerify(vctx, conn); err != nil {
						fail(fmt.Errorf("verification: %w", err))
						continue
					}
				}
				e := tables[i]
				st := expected[e.ID]
				if st == nil || !st.Found {
					continue // reported below
				}
				rows, sum, err := countTable(vctx, conn, st.Header, st.kinds, checksum)
				if err != nil {
					fail(fmt.Errorf("verification: reading %s in the target: %w", e.qualified(), err))
					continue
				}
				mu.Lock()
				results[i].TargetRows = rows
				if checksum {
					results[i].TargetChecksum = sum
				}
				done++
				d := done
				mu.Unlock()
				r.phase(ctx, "verify", false, map[string]any{"status": "running", "tables_done": d, "tables_total": len(tables)})
			}
		}()
	}
feed:
	for i := range tables {
		select {
		case work <- i:
		case <-vctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if firstEr != nil {
		return firstEr
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	nbad, verr := checkTables(results, r.opts.Verify)
	r.phase(ctx, "verify", true, map[string]any{"status": "finished", "tables_total": len(tables),
		"mismatches": nbad, "elapsed_s": int(r.cfg.Clock.Now().Sub(start).Seconds())})
	return verr
}

// checkTables sets Match on every result and explains the mismatches:
// nbad of them, err nil when there are none. Both executors use it.
func checkTables(results []TableResult, mode string) (nbad int, err error) {
	var bad []string
	for i := range results {
		t := &results[i]
		t.Match = t.SourceRows >= 0 && t.SourceRows == t.TargetRows && t.SourceChecksum == t.TargetChecksum
		if t.Match {
			continue
		}
		name := quoteQualified(t.Schema, t.Name)
		switch {
		case t.SourceRows < 0:
			bad = append(bad, name+": the dump has no COPY data for it (dumped with --inserts?), so it cannot be verified")
		case t.SourceRows != t.TargetRows:
			bad = append(bad, fmt.Sprintf("%s: %d rows in the source, %d in the target", name, t.SourceRows, t.TargetRows))
		default:
			bad = append(bad, fmt.Sprintf("%s: %d rows on both sides, but checksums differ (source %s, target %s)",
				name, t.SourceRows, t.SourceChecksum, t.TargetChecksum))
		}
	}
	if len(bad) > 0 {
		nbad := len(bad)
		more := ""
		if len(bad) > 10 {
			more = fmt.Sprintf("\n- and %d more", len(bad)-10)
			bad = bad[:10]
		}
		return nbad, fmt.Errorf("verification (%s) failed for %d of %d tables:\n- %s%s", mode, nbad, len(results),
			strings.Join(bad, "\n- "), more)
	}
	return 0, nil
}
