package provider

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/pgtest"
)

// BenchmarkRestore compares, side by side and in one run, three ways to
// copy a ~1 GB database (pgbench tables plus wide ones):
//
//	A  pg_dump -Fc to a file, then pg_restore -j 2: the machine's limit;
//	B  heroku2aws_pg_restore_job through `terraform apply`: capture in the
//	   sandbox, download, restore with jobs = 2;
//	C  the guides' serial path: download the backup, pg_restore with one job.
//
// It reports the medians of HEROKU2AWS_BENCH_RUNS runs (default 3), the
// ratios B/A and C/B, and the provider process's peak RSS during B. The
// source cluster is built once and cached;
// HEROKU2AWS_BENCH_PG_SCALE sets the pgbench scale (default 64, about 1 GB),
// HEROKU2AWS_BENCH_CACHE the cache directory (default $TMPDIR/heroku2aws-bench).
func BenchmarkRestore(b *testing.B) {
	if _, err := pgtest.BinDir(); err != nil {
		b.Skip("PostgreSQL server binaries not found")
	}
	scale := envInt("HEROKU2AWS_BENCH_PG_SCALE", 64)
	runs := envInt("HEROKU2AWS_BENCH_RUNS", 3)
	ctx := context.Background()
	src := cachedBenchSource(b, scale)
	size := dbSize(b, src, "bench")

	tgt := pgtest.StartT(b, pgtest.Options{Settings: map[string]string{"max_wal_size": "4GB"}})
	f := sampleFixture(b)
	f.APIKey = testAPIKey
	srv, herokuURL := herokuapi.Start(b, f, herokuapi.Options{})
	if err := srv.SetAddonDatabase("postgresql-curved-12345", src.URL("bench")); err != nil {
		b.Fatal(err)
	}
	var a, bb, c []time.Duration
	var peakRSS int64
	for i := 0; i < b.N; i++ {
		for run := 0; run < runs; run++ {
			// A: raw tools, same flags.
			dbA := fmt.Sprintf("a_%d_%d", i, run)
			must(b, tgt.CreateDatabase(ctx, dbA))
			dump := filepath.Join(b.TempDir(), "a.dump")
			start := time.Now()
			must(b, pgTool(src, "pg_dump", "-Fc", "-f", dump, "-d", connInfo(src, "bench")))
			must(b, pgTool(tgt, "pg_restore", "-j", "2", "--no-owner", "--no-acl", "-d", connInfo(tgt, dbA), dump))
			a = append(a, time.Since(start))

			// B: the resource, end to end.
			dbB := fmt.Sprintf("b_%d_%d", i, run)
			must(b, tgt.CreateDatabase(ctx, dbB))
			w := newCLIWorkspace(b, providerBlock(herokuURL, testAPIKey)+fmt.Sprintf(`
resource "heroku2aws_pg_restore_job" "db" {
  source {
    heroku_backup {
      app     = "acme-api"
      capture = true
    }
  }
  target_url = %q
  jobs       = 2
  analyze    = false
  verify     = "none"
}
`, tgt.URL(dbB)), map[string]string{"TF_LOG": "", "TMPDIR": b.TempDir()})
			stop := watchPeakRSS("terraform-provider-heroku2aws")
			start = time.Now()
			w.mustRun("apply", "-auto-approve")
			bb = append(bb, time.Since(start))
			if rss := stop(); rss > peakRSS {
				peakRSS = rss
			}

			// C: download the newest backup, then a single-job restore.
			dbC := fmt.Sprintf("c_%d_%d", i, run)
			must(b, tgt.CreateDatabase(ctx, dbC))
			hc := heroku.New(heroku.Config{APIKey: testAPIKey, APIURL: herokuURL})
			ts, err := hc.Transfers(ctx, herokuURL, "acme-api")
			must(b, err)
			latest, ok := heroku.LatestBackup(ts)
			if !ok {
				b.Fatal("no backup to download")
			}
			start = time.Now()
			url, err := hc.BackupPublicURL(ctx, herokuURL, "acme-api", latest.Num)
			must(b, err)
			file := filepath.Join(b.TempDir(), "c.dump")
			must(b, download(url, file))
			must(b, pgTool(tgt, "pg_restore", "-j", "1", "--no-owner", "--no-acl", "-d", connInfo(tgt, dbC), file))
			c = append(c, time.Since(start))
		}
	}
	ma, mb, mc := median(a), median(bb), median(c)
	b.ReportMetric(float64(size)/(1<<20), "source-MB")
	b.ReportMetric(ma.Seconds(), "A-s")
	b.ReportMetric(mb.Seconds(), "B-s")
	b.ReportMetric(mc.Seconds(), "C-s")
	b.ReportMetric(mb.Seconds()/ma.Seconds(), "B/A")
	b.ReportMetric(mc.Seconds()/mb.Seconds(), "C/B")
	b.ReportMetric(float64(peakRSS)/(1<<20), "B-peak-RSS-MB")
	b.Logf("source %d MB; medians of %d runs: A %v, B %v, C %v; B/A %.2f, C/B %.2f; provider peak RSS %.1f MB",
		size>>20, runs, ma.Round(time.Millisecond), mb.Round(time.Millisecond), mc.Round(time.Millisecond),
		mb.Seconds()/ma.Seconds(), mc.Seconds()/mb.Seconds(), float64(peakRSS)/(1<<20))
}

// cachedBenchSource starts (and on first use fills) the cached source.
func cachedBenchSource(b *testing.B, scale int) *pgtest.Cluster {
	b.Helper()
	// Under the temp dir: the postgres user (the server runs as it when the
	// benchmark runs as root) cannot enter root's home.
	base := os.Getenv("HEROKU2AWS_BENCH_CACHE")
	if base == "" {
		base = filepath.Join(os.TempDir(), "heroku2aws-bench")
	}
	dir := filepath.Join(base, fmt.Sprintf("pgsrc-scale%d", scale))
	ctx := context.Background()
	src, err := pgtest.Start(ctx, pgtest.Options{Dir: dir, Keep: true})
	must(b, err)
	b.Cleanup(func() { _ = src.Stop() })
	marker := filepath.Join(dir, "heroku2aws-bench-ready")
	if _, err := os.Stat(marker); err == nil {
		return src
	}
	b.Logf("building the benchmark source (pgbench scale %d) once; it is cached in %s", scale, dir)
	_ = src.Exec(ctx, "postgres", "DROP DATABASE IF EXISTS bench")
	must(b, src.CreateDatabase(ctx, "bench"))
	must(b, pgTool(src, "pgbench", "-i", "-q", "-s", strconv.Itoa(scale), "-h", "127.0.0.1", "-p", strconv.Itoa(src.Port()), "-U", src.Superuser(), "bench"))
	must(b, src.Exec(ctx, "bench", fmt.Sprintf(`
CREATE TABLE wide_events AS
  SELECT g AS id, now() - (g || ' minutes')::interval AS at, md5(g::text) AS a, md5((g*7)::text) AS b,
         repeat(md5((g*13)::text), 4) AS body, jsonb_build_object('k', g, 'v', md5(g::text)) AS meta
  FROM generate_series(1, %d) g;
CREATE INDEX ON wide_events (at);
CREATE TABLE wide_notes AS SELECT g AS id, repeat('lorem ipsum ', 20) || g AS note FROM generate_series(1, %d) g;`, scale*20000, scale*10000)))
	must(b, os.WriteFile(marker, []byte("ok\n"), 0o600))
	_ = exec.Command("chown", "postgres:postgres", marker).Run()
	return src
}

func dbSize(b *testing.B, c *pgtest.Cluster, db string) int64 {
	out, err := exec.Command("psql", "-At", "-c", "SELECT pg_database_size(current_database())", "-d", connInfo(c, db)+" password="+c.Password()).Output()
	must(b, err)
	n, _ := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	return n
}

// connInfo is a libpq connection string without the password; pgTool
// passes the password through the environment.
func connInfo(c *pgtest.Cluster, db string) string {
	return fmt.Sprintf("host=127.0.0.1 port=%d user=%s dbname=%s", c.Port(), c.Superuser(), db)
}

func pgTool(c *pgtest.Cluster, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "PGPASSWORD="+c.Password())
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %v\n%s", name, err, out)
	}
	return nil
}

// watchPeakRSS polls /proc for processes named name and returns a stop
// function that reports the highest VmHWM (peak resident set) seen.
func watchPeakRSS(name string) func() int64 {
	var mu sync.Mutex
	var peak int64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			procs, _ := filepath.Glob("/proc/[0-9]*/status")
			for _, p := range procs {
				data, err := os.ReadFile(p)
				if err != nil || !strings.Contains(string(data), "Name:\t"+name[:15]) {
					continue
				}
				for _, line := range strings.Split(string(data), "\n") {
					if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
						kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
						mu.Lock()
						peak = max(peak, kb*1024)
						mu.Unlock()
					}
				}
			}
			select {
			case <-done:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	return func() int64 {
		close(done)
		<-stopped
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}
