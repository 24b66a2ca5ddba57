package main

import (
	"encoding/json"
	"io"
	"iter"

	"github.com/docklean/docklean/transform"
	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

const docsURL = "https://github.com/docklean/docklean/blob/main/docs/"

// jsonFile is one file of the --format json document.
type jsonFile struct {
	Path     string                  `json:"path"`
	Changed  bool                    `json:"changed"`
	Error    string                  `json:"error,omitempty"`
	Estimate *transform.SizeEstimate `json:"estimate,omitempty"`
}

// writeJSON writes the --format json document, byte for byte what
// encodeJSON writes for a jsonReport (report_test.go), one element at a
// time: a report over a big tree is not held in memory a second time.
func writeJSON(w io.Writer, jobs []*job) error {
	files := func(yield func(any) bool) {
		for _, j := range jobs {
			f := jsonFile{Path: j.name(), Changed: j.changed}
			if j.err != nil {
				f.Error = errorText(j)
			} else {
				f.Estimate = j.res.Estimate
			}
			if !yield(f) {
				return
			}
		}
	}
	findings := func(yield func(any) bool) {
		for _, j := range jobs {
			if j.err != nil {
				continue
			}
			for _, f := range j.res.Findings {
				if !yield(f) {
					return
				}
			}
		}
	}
	if _, err := io.WriteString(w, "{\n  \"files\": "); err != nil {
		return err
	}
	if err := writeArray(w, files); err != nil {
		return err
	}
	if _, err := io.WriteString(w, ",\n  \"findings\": "); err != nil {
		return err
	}
	if err := writeArray(w, findings); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n}\n")
	return err
}

// writeArray writes the values of seq as a JSON array that is a field of
// the top-level object, indented as encodeJSON indents it.
func writeArray(w io.Writer, seq iter.Seq[any]) error {
	sep := "[\n    "
	for v := range seq {
		b, err := json.MarshalIndent(v, "    ", "  ")
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, sep); err != nil {
			return err
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
		sep = ",\n    "
	}
	end := "\n  ]"
	if sep[0] == '[' {
		end = "[]"
	}
	_, err := io.WriteString(w, end)
	return err
}

// sarifReport builds a SARIF 2.1.0 log: one rule per pass, one result per
// finding. Changes are warnings (the file can be improved), refusals and
// notes are notes; files that failed are tool execution notifications.
func sarifReport(jobs []*job) *sarif.Report {
	run := sarif.NewRunWithInformationURI("docklean", docsURL)
	run.Tool.Driver.WithVersion(version)
	for _, p := range transform.All() {
		run.AddRule(p.Name).WithName(p.Name).
			WithShortDescription(sarif.NewMultiformatMessageString().WithText(p.Summary())).
			WithHelpURI(docsURL + p.Name + ".md")
	}
	inv := sarif.NewInvocation().WithExecutionSuccessful(true)
	for _, j := range jobs {
		if j.err != nil {
			inv.WithExecutionSuccessful(false)
			inv.AddToolExecutionNotification(sarif.NewNotification().WithLevel("error").
				WithMessage(sarif.NewTextMessage(errorText(j))))
			continue
		}
		for _, f := range j.res.Findings {
			level := "note"
			if f.Kind == transform.Changed {
				level = "warning"
			}
			run.CreateResultForRule(f.Pass).WithLevel(level).WithKind("fail").
				WithMessage(sarif.NewTextMessage(string(f.Kind) + ": " + f.Message)).
				AddLocation(sarif.NewLocationWithPhysicalLocation(sarif.NewPhysicalLocation().
					WithArtifactLocation(sarif.NewSimpleArtifactLocation(diffPath(f.File))).
					WithRegion(sarif.NewRegion().WithStartLine(max(f.Line, 1)))))
		}
	}
	run.Invocations = append(run.Invocations, inv)
	return sarif.NewReport().AddRun(run)
}

// writeSARIF writes the --format sarif document.
func writeSARIF(w io.Writer, jobs []*job) error {
	return encodeJSON(w, sarifReport(jobs))
}

// encodeJSON writes v as indented JSON.
func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
