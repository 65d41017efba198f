package main

// The usage text is the one description of the command line: the README's
// command list is a copy of it, and every flag a command parses is in it.
//
// The rule: the usage's command lines are those after "Usage:" up to the
// first blank line. A line that starts with "postroom CMD" documents CMD; a
// line that starts otherwise continues the line above it. The README's
// "## Commands" section opens with an indented code block holding exactly
// these lines (four spaces of indent in Markdown, two in the usage).

import (
	"context"
	"errors"
	"flag"
	"io"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// usageLines returns the usage's command lines without their indent.
func usageLines(t *testing.T) []string {
	t.Helper()
	_, rest, ok := strings.Cut(usage, "\nUsage:\n")
	if !ok {
		t.Fatal(`the usage has no "Usage:" line`)
	}
	block, _, _ := strings.Cut(rest, "\n\n")
	var lines []string
	for _, l := range strings.Split(block, "\n") {
		if !strings.HasPrefix(l, "  ") {
			t.Fatalf("usage line %q is not indented by two spaces", l)
		}
		lines = append(lines, l[2:])
	}
	return lines
}

// readmeCommands returns the first code block of README.md's "## Commands"
// section without its indent.
func readmeCommands(t *testing.T) []string {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Commands\n")
	if !ok {
		t.Fatal(`README.md has no "## Commands" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var lines []string
	for _, l := range strings.Split(section, "\n") {
		switch {
		case strings.HasPrefix(l, "    "):
			lines = append(lines, l[4:])
		case len(lines) > 0:
			return lines // the block ended
		case strings.TrimSpace(l) != "":
			t.Fatalf("README.md's Commands section starts with text, not the command list: %q", l)
		}
	}
	return lines
}

func TestUsage_readmeCommandListIsTheUsage(t *testing.T) {
	want, got := usageLines(t), readmeCommands(t)
	if !slices.Equal(got, want) {
		t.Fatalf("README.md's command list differs from the usage in main.go; it should read:\n\n    %s",
			strings.Join(want, "\n    "))
	}
}

// documented maps each command to the text of its usage lines
// (continuation lines included).
func documented(t *testing.T) map[string]string {
	t.Helper()
	doc := map[string]string{}
	last := ""
	for _, l := range usageLines(t) {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "postroom" {
			last = f[1]
		} else if last == "" {
			t.Fatalf("usage line %q continues no command", l)
		}
		doc[last] += " " + l
	}
	return doc
}

var usageFlag = regexp.MustCompile(`--([a-z0-9][a-z0-9-]*)`)

func TestUsage_everyFlagOfEveryCommandIsDocumented(t *testing.T) {
	doc := documented(t)
	for name := range doc {
		if commands[name] == nil {
			t.Errorf("the usage documents %q, which is no command", name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(commands)) {
		cmd := commands[name]
		var fs *flag.FlagSet
		parsing = func(f *flag.FlagSet) { fs = f }
		// An unknown flag stops every command at parsing, before it does anything.
		err := cmd(context.Background(), []string{"--no-such-flag-for-the-usage-test"}, io.Discard)
		parsing = nil
		if fs == nil || !errors.Is(err, errUsage) {
			t.Errorf("%s: parsed no flags through parse (err %v)", name, err)
			continue
		}
		line, ok := doc[name]
		if !ok {
			t.Errorf("%s: not in the usage", name)
			continue
		}
		// Every command takes --data (newFlags): each of its lines says so.
		for _, l := range strings.Split(line, " postroom ")[1:] {
			if fs.Lookup("data") != nil && !strings.Contains(l, "[--data DIR]") {
				t.Errorf("usage line %q does not show [--data DIR]", "postroom "+l)
			}
		}
		var real []string
		fs.VisitAll(func(f *flag.Flag) {
			real = append(real, f.Name)
			if !slices.Contains(usageFlags(line), f.Name) {
				t.Errorf("%s: flag --%s (%s) is not in the usage", name, f.Name, f.Usage)
			}
		})
		for _, f := range usageFlags(line) {
			if !slices.Contains(real, f) {
				t.Errorf("%s: the usage shows --%s, which the command does not have", name, f)
			}
		}
	}
}

func usageFlags(line string) []string {
	var names []string
	for _, m := range usageFlag.FindAllStringSubmatch(line, -1) {
		names = append(names, m[1])
	}
	return names
}
