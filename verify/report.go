package verify

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// humanSize formats a byte count the way docker does: decimal units, three
// significant digits ("912 MB", "9.8 MB", "1.21 GB").
func humanSize(n int64) string {
	units := []string{"B", "kB", "MB", "GB", "TB"}
	f := float64(n)
	u := 0
	for f >= 999.5 && u < len(units)-1 {
		f /= 1000
		u++
	}
	switch {
	case u == 0:
		return fmt.Sprintf("%d B", n)
	case f < 9.995:
		return fmt.Sprintf("%.2f %s", f, units[u])
	case f < 99.95:
		return fmt.Sprintf("%.1f %s", f, units[u])
	}
	return fmt.Sprintf("%.0f %s", f, units[u])
}

// ratio is how many times smaller after is than before ("39.5× smaller"),
// how much larger when it grew ("1.2× larger"), or "about the same" within 5%.
func ratio(before, after int64) string {
	r := float64(before) / float64(after)
	switch {
	case before <= 0 || after <= 0:
		return ""
	case r > 1/1.05 && r < 1.05:
		return "about the same"
	case after > before:
		return fmt.Sprintf("%.1f× larger", float64(after)/float64(before))
	}
	return fmt.Sprintf("%.1f× smaller", r)
}

// Summary is the one-line measured saving, e.g.
// "measured: 912 MB → 9.8 MB, 11 → 4 layers"; "" unless both images built.
func (r *Report) Summary() string {
	a, b := r.Original.Image, r.Rewritten.Image
	if a == nil || b == nil {
		return ""
	}
	return fmt.Sprintf("measured: %s → %s, %d → %d layers", humanSize(a.Size), humanSize(b.Size), a.Layers, b.Layers)
}

// Write prints the report as a table, then the details of any failed build
// and of differing smoke runs.
func (r *Report) Write(w io.Writer) {
	var table strings.Builder
	tw := tabwriter.NewWriter(&table, 0, 4, 2, ' ', 0)
	o, n := &r.Original, &r.Rewritten
	fmt.Fprintf(tw, "\toriginal\trewritten\t\n")
	fmt.Fprintf(tw, "build\t%s\t%s\t\n", buildCell(o.Build), buildCell(n.Build))
	if o.Image != nil || n.Image != nil {
		fmt.Fprintf(tw, "size\t%s\t%s\t%s\n", sizeCell(o.Image, false), sizeCell(n.Image, false), ratioCell(o.Image, n.Image, false))
		if (o.Image != nil && o.Image.Compressed > 0) || (n.Image != nil && n.Image.Compressed > 0) {
			fmt.Fprintf(tw, "compressed layers\t%s\t%s\t%s\n", sizeCell(o.Image, true), sizeCell(n.Image, true), ratioCell(o.Image, n.Image, true))
		}
		fmt.Fprintf(tw, "layers\t%s\t%s\t\n", layerCell(o.Image), layerCell(n.Image))
	}
	if o.Run != nil && n.Run != nil {
		verdict := "DIFFERENT"
		if r.SameRun {
			verdict = "same"
		}
		fmt.Fprintf(tw, "smoke run\t%s\t%s\t%s\n", runCell(o.Run), runCell(n.Run), verdict)
	}
	tw.Flush()
	for _, l := range strings.SplitAfter(table.String(), "\n") {
		io.WriteString(w, strings.TrimRight(l, " \n")+strings.Repeat("\n", strings.Count(l, "\n")))
	}
	if s := r.Summary(); s != "" {
		fmt.Fprintln(w, s)
	}
	for _, x := range []struct {
		name string
		s    *Side
	}{{"original", o}, {"rewritten", n}} {
		if !x.s.Build.OK {
			fmt.Fprintf(w, "\nthe %s Dockerfile failed to build", x.name)
			if x.s.Build.Step != "" {
				fmt.Fprintf(w, " at %s", x.s.Build.Step)
			}
			fmt.Fprintf(w, ":\n%s\n", indent(x.s.Build.Log))
		}
	}
	if o.Run != nil && n.Run != nil && !r.SameRun {
		for _, x := range []struct {
			name string
			r    *Run
		}{{"original", o.Run}, {"rewritten", n.Run}} {
			fmt.Fprintf(w, "\n%s image: %s\n", x.name, runCell(x.r))
			if x.r.Err != "" {
				fmt.Fprintf(w, "  error: %s\n", x.r.Err)
			}
			if x.r.Stdout != "" {
				fmt.Fprintf(w, "  output:\n%s\n", indent(tail(x.r.Stdout, 20)))
			}
			if x.r.Stderr != "" {
				fmt.Fprintf(w, "  standard error:\n%s\n", indent(tail(x.r.Stderr, 20)))
			}
		}
	}
}

// buildCell, sizeCell, ratioCell, layerCell and runCell are the report
// table's cells; "-" stands for an image that was not built.
func buildCell(b Build) string {
	if !b.OK {
		return "FAILED"
	}
	return "ok " + b.Duration.Round(100*time.Millisecond).String()
}

func sizeCell(im *Image, compressed bool) string {
	switch {
	case im == nil:
		return "-"
	case compressed:
		return humanSize(im.Compressed)
	}
	return humanSize(im.Size)
}

func ratioCell(a, b *Image, compressed bool) string {
	if a == nil || b == nil {
		return ""
	}
	if compressed {
		return ratio(a.Compressed, b.Compressed)
	}
	return ratio(a.Size, b.Size)
}

func layerCell(im *Image) string {
	if im == nil {
		return "-"
	}
	return fmt.Sprint(im.Layers)
}

func runCell(r *Run) string {
	switch {
	case r.Err != "" && !r.TimedOut:
		return "error"
	case r.TimedOut:
		return "timed out"
	case r.HTTP:
		return fmt.Sprintf("HTTP %d", r.Exit)
	}
	return fmt.Sprintf("exit %d", r.Exit)
}

// indent indents every line of s by four spaces.
func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}
