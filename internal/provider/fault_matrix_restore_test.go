package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/pgrestore"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/pgtest"
)

// Fault matrix rows of pg_restore_job: a failed capture, an expired or cut
// download, pg_restore killed, the target dropped, a full temp directory
// (the table and runner are in fault_matrix_test.go).

// fmPG is what the pg rows share: one source cluster with the fidelity
// database, its dump, one target cluster (a database per row) and one
// Heroku sandbox whose add-on is the source and which holds the dump as a
// backup.
type fmPG struct {
	src, tgt  *pgtest.Cluster
	dump      string
	dumpSize  int64
	heroku    *herokuapi.Server
	herokuURL string
}

// setup runs on the pg group's test, so that the clusters outlive its rows.
func (p *fmPG) setup(t *testing.T) {
	p.src = pgSource(t)
	p.tgt = pgtest.StartT(t, pgtest.Options{})
	p.dump = filepath.Join(t.TempDir(), "app.dump")
	dumpDB(t, p.src, "app", p.dump)
	st, err := os.Stat(p.dump)
	if err != nil {
		t.Fatal(err)
	}
	p.dumpSize = st.Size()
	p.heroku, p.herokuURL = startSandbox(t, sampleFixture(t), herokuapi.Options{})
	if err := p.heroku.SetAddonDatabase("postgresql-curved-12345", p.src.URL("app")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := p.heroku.AddBackup("acme-api", p.dump); err != nil {
		t.Fatal(err)
	}
}

func (p *fmPG) newDB(t *testing.T, name string) string {
	if err := p.tgt.CreateDatabase(context.Background(), name); err != nil {
		t.Fatal(err)
	}
	return p.tgt.URL(name)
}

func fmRestoreConfig(herokuURL, target string, capture bool) string {
	return providerBlock(herokuURL, testAPIKey) + fmt.Sprintf(`
resource "heroku2aws_pg_restore_job" "db" {
  source {
    heroku_backup {
      app     = "acme-api"
      capture = %t
    }
  }
  target_url = %q
  jobs       = 1
  clean      = true
}
`, capture, target)
}

const fmRestoreRes = "heroku2aws_pg_restore_job.db"

// fmRestoreCase is a restore of the shared backup into a fresh database.
func (p *fmPG) restoreCase(t *testing.T, db string, capture bool, tweakR func(*pgrestore.LocalConfig)) (string, fmCase) {
	target := p.newDB(t, db)
	c := fmCase{
		factories: fmFactories(nil, tweakR),
		config:    fmRestoreConfig(p.herokuURL, target, capture),
		verify:    []statecheck.StateCheck{sandboxCheck(expectRestored(target)), everyTableMatches(fmRestoreRes)},
	}
	return target, c
}

// fmReplaced is the re-apply's plan check after a failed run: the resource
// was recorded tainted, so it is replaced.
func fmReplaced() []plancheck.PlanCheck {
	return []plancheck.PlanCheck{plancheck.ExpectResourceAction(fmRestoreRes, plancheck.ResourceActionReplace)}
}

// expireFirstDownload is an HTTP client that expires every issued backup
// URL just before the first download request is sent: that request gets a
// 403, as if the URL had outlived its TTL.
type expireFirstDownload struct {
	srv  *herokuapi.Server
	done atomic.Bool
}

func (e *expireFirstDownload) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasPrefix(r.URL.Path, "/_backups/") && e.done.CompareAndSwap(false, true) {
		e.srv.ExpireBackupURLs()
	}
	return http.DefaultTransport.RoundTrip(r)
}

// fmProcs returns the pids of processes named name whose parent chain
// includes ancestor.
func fmProcs(name string, ancestor int) []int {
	var out []int
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range stats {
		pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(p)))
		comm, _, ok := fmStat(pid)
		if !ok || comm != name {
			continue
		}
		for cur, hops := pid, 0; cur > 1 && hops < 64; hops++ {
			_, ppid, ok := fmStat(cur)
			if !ok {
				break
			}
			if ppid == ancestor {
				out = append(out, pid)
				break
			}
			cur = ppid
		}
	}
	return out
}

// fmStat reads a process's name and parent from /proc/<pid>/stat.
func fmStat(pid int) (comm string, ppid int, ok bool) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", 0, false
	}
	s := string(data)
	open, closing := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || closing < open {
		return "", 0, false
	}
	fields := strings.Fields(s[closing+1:])
	if len(fields) < 2 {
		return "", 0, false
	}
	ppid, err = strconv.Atoi(fields[1])
	return s[open+1 : closing], ppid, err == nil
}

// fmBackground runs f in the background from the fault step on; wait
// returns its error.
type fmBackground struct {
	done chan error
}

func fmGo(f func() error) *fmBackground {
	b := &fmBackground{done: make(chan error, 1)}
	go func() { b.done <- f() }()
	return b
}

func (b *fmBackground) wait() error {
	if b == nil {
		return errors.New("the fault was never injected")
	}
	select {
	case err := <-b.done:
		return err
	case <-time.After(2 * time.Minute):
		return errors.New("the fault injector did not finish")
	}
}

func fmPGRows(p *fmPG) []fmRow {
	return []fmRow{
		{name: "capture failure", outcome: fmClearError, want: `(?s)Error Restoring Database.*backup\s+b\d+\s+of\s+postgresql-curved-12345\s+failed\s+on\s+Heroku.*pg_dump: error: could not connect`,
			run: func(t *testing.T, row fmRow) {
				_, c := p.restoreCase(t, "fm_capture", true, nil)
				c.inject = func() { p.heroku.FailNextCapture("pg_dump: error: could not connect to the database") }
				c.afterFault = fmReplaced()
				row.exec(t, c)
			}},
		{name: "expired download URL", outcome: fmTransparent, run: func(t *testing.T, row fmRow) {
			exp := &expireFirstDownload{srv: p.heroku}
			var mark int
			_, c := p.restoreCase(t, "fm_expired", false, func(c *pgrestore.LocalConfig) {
				c.HTTPClient = &http.Client{Transport: exp}
			})
			c.inject = func() { mark = len(p.heroku.Requests()) }
			c.fired = func() error {
				if !exp.done.Load() {
					return errors.New("no download was made")
				}
				n := 0
				for _, r := range p.heroku.Requests()[mark:] {
					if r.Path == "/_backups/{token}" && r.Status == http.StatusForbidden {
						n++
					}
				}
				return fmAtLeast("403 answers to the expired URL", n, 1)
			}
			row.exec(t, c)
		}},
		{name: "download cut at 50%", outcome: fmTransparent, run: func(t *testing.T, row fmRow) {
			var mark int
			_, c := p.restoreCase(t, "fm_cut", false, nil)
			c.inject = func() { mark = len(p.heroku.Requests()); p.heroku.CutDownloadsAfter(p.dumpSize / 2) }
			c.fired = func() error {
				n := 0
				for _, r := range p.heroku.Requests()[mark:] {
					if r.Path == "/_backups/{token}" && r.Status == http.StatusPartialContent &&
						r.Range == fmt.Sprintf("bytes=%d-", p.dumpSize/2) {
						n++
					}
				}
				return fmAtLeast("downloads resumed at the cut", n, 1)
			}
			row.exec(t, c)
		}},
		{name: "pg_restore killed mid-run", outcome: fmClearError, want: `(?s)Error Restoring Database.*pg_restore\s+was\s+killed:\s+signal:\s+killed`,
			run: func(t *testing.T, row fmRow) {
				_, c := p.restoreCase(t, "fm_kill", false, nil)
				var bg *fmBackground
				var killed atomic.Int32
				c.inject = func() {
					lock := fmLockTarget(t, p.tgt, "fm_kill")
					bg = fmGo(func() error {
						defer func() { _ = lock.Close(context.Background()) }()
						if err := fmWaitBlocked(p.tgt, "fm_kill", time.Minute); err != nil {
							return err
						}
						pids := fmProcs("pg_restore", os.Getpid())
						if len(pids) == 0 {
							return errors.New("no pg_restore child of the test process")
						}
						for _, pid := range pids {
							if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
								return err
							}
							killed.Add(1)
						}
						return nil
					})
				}
				c.fired = func() error {
					if err := bg.wait(); err != nil {
						return err
					}
					return fmAtLeast("pg_restore processes killed", int(killed.Load()), 1)
				}
				c.afterFault = fmReplaced()
				row.exec(t, c)
			}},
		{name: "target database dropped mid-run", outcome: fmClearError,
			// How libpq words the cut depends on when it lands: inside a
			// query the server says why, between queries the socket just
			// closes. Either is the dropped database.
			want: `(?s)Error Restoring Database.*pg_restore\s+failed.*(terminating\s+connection\s+due\s+to\s+administrator\s+command|server\s+closed\s+the\s+connection\s+unexpectedly)`,
			run: func(t *testing.T, row fmRow) {
				_, c := p.restoreCase(t, "fm_drop", false, nil)
				var bg *fmBackground
				c.inject = func() {
					lock := fmLockTarget(t, p.tgt, "fm_drop")
					bg = fmGo(func() error {
						defer func() { _ = lock.Close(context.Background()) }()
						if err := fmWaitBlocked(p.tgt, "fm_drop", time.Minute); err != nil {
							return err
						}
						ctx := context.Background()
						return p.tgt.Exec(ctx, "postgres", "DROP DATABASE fm_drop WITH (FORCE)")
					})
				}
				c.fired = func() error { return bg.wait() }
				c.clear = func() {
					// The fault is cleared: the database exists again, empty.
					if err := p.tgt.CreateDatabase(context.Background(), "fm_drop"); err != nil {
						t.Fatal(err)
					}
				}
				c.afterFault = fmReplaced()
				row.exec(t, c)
			}},
		{name: "disk full in the temp dir", outcome: fmClearError, want: `(?s)Error Restoring Database.*writing\s+the\s+dump.*no\s+space\s+left\s+on\s+device`,
			run: func(t *testing.T, row fmRow) {
				small := t.TempDir()
				size := max(p.dumpSize/2/4096*4096, 4096)
				if out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", small).CombinedOutput(); err != nil {
					t.Skipf("cannot mount a small tmpfs here (%v: %s); the row needs one", err, out)
				}
				t.Cleanup(func() { _ = exec.Command("umount", small).Run() })
				t.Logf("temp dir: a %d-byte tmpfs, for a %d-byte dump", size, p.dumpSize)
				var tempDir atomic.Value
				tempDir.Store(small)
				_, c := p.restoreCase(t, "fm_disk", false, func(c *pgrestore.LocalConfig) { c.TempDir = tempDir.Load().(string) })
				c.fired = func() error {
					entries, err := os.ReadDir(small)
					if err != nil {
						return err
					}
					if len(entries) != 0 {
						return fmt.Errorf("the failed run left %d entries in the temp dir", len(entries))
					}
					return nil
				}
				c.clear = func() { tempDir.Store(t.TempDir()) }
				c.afterFault = fmReplaced()
				row.exec(t, c)
			}},
	}
}
