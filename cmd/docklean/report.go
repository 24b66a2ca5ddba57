package main

import (
	"encoding/json"
	"io"
	"iter"

	"github.com/docklean/docklean/transform"
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

// encodeJSON writes v as indented JSON.
func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
