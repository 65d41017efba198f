package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// runPyOps runs one of the JSON-driven client scripts in py/ (imap_client.py,
// pop3_client.py) with params plus the operations, and decodes its JSON
// report into out.
func runPyOps(tb testing.TB, script string, params map[string]any, ops []map[string]any, out any) {
	tb.Helper()
	python := requireTool(tb, "python3", "python3")
	p := map[string]any{}
	for k, v := range params {
		p[k] = v
	}
	p["ops"] = ops
	js, err := json.Marshal(p)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, filepath.Join(repoRoot, "tests", "interop", "py", script), string(js))
	cmd.Env = append(os.Environ(), "PYTHONIOENCODING=utf-8", "PYTHONDONTWRITEBYTECODE=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	if took := time.Since(start); took > 3*slowCommand {
		tb.Logf("slow: %s (%d operations) took %v", script, len(ops), took.Round(time.Millisecond))
	}
	if err != nil {
		tb.Fatalf("python3 %s: %v\nstdout: %s\nstderr: %s", script, err, stdout.String(), stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		tb.Fatalf("%s output: %v\n%s\nstderr: %s", script, err, stdout.String(), stderr.String())
	}
}
