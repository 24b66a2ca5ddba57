package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
	"github.com/xeipuuv/gojsonschema"
)

// jsonReport is the shape of the --format json document that writeJSON
// streams.
type jsonReport struct {
	Files    []jsonFile          `json:"files"`
	Findings []transform.Finding `json:"findings"`
}

func reportJobs() []*job {
	return []*job{
		{path: "app/Dockerfile", changed: true, res: &transform.Result{Findings: []transform.Finding{
			{Pass: "alpine", Code: "alpine/ignored", File: "app/Dockerfile", Line: 1, Kind: transform.Changed, Message: "ubuntu:22.04 → alpine:3.24",
				Edits: []transform.Edit{{Start: 5, End: 17, Text: "alpine:3.24"}, {Start: 30, End: 41}}},
			{Pass: "run-merge", Code: "run-merge/ignored", File: "app/Dockerfile", Line: 4, Kind: transform.Refused, Message: "RUN on line 4 runs cd: not merged", Related: []int{2}},
		}}},
		{path: "bad/Dockerfile", err: &parser.Error{Line: 2, Msg: "unknown instruction: RUNN"}},
		{path: "gone/Dockerfile", err: errors.New("boom")},
	}
}

// TestSARIFValidates checks the report against the SARIF 2.1.0 schema
// (testdata/sarif-schema-2.1.0.json, OASIS's errata01 schema), reads it back
// the way code scanning would, and checks it holds no placeholders.
func TestSARIFValidates(t *testing.T) {
	var buf bytes.Buffer
	if err := writeSARIF(&buf, reportJobs()); err != nil {
		t.Fatal(err)
	}
	schema, err := os.ReadFile("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	v, err := gojsonschema.Validate(gojsonschema.NewBytesLoader(schema), gojsonschema.NewBytesLoader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if !v.Valid() {
		t.Fatalf("SARIF report does not validate: %v\n%s", v.Errors(), buf.String())
	}
	for _, bad := range []string{"-1", "[]", "{}", `""`} {
		if strings.Contains(buf.String(), bad) {
			t.Errorf("SARIF report holds the placeholder %s:\n%s", bad, buf.String())
		}
	}
	var back sarifLog
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	run := back.Runs[0]
	res := run.Results
	if len(res) != 2 || res[0].RuleID != "alpine/ignored" || res[0].Level != "warning" || res[1].Level != "note" ||
		res[1].Locations[0].PhysicalLocation.Region.StartLine != 4 ||
		res[1].Locations[0].PhysicalLocation.ArtifactLocation.URI != "app/Dockerfile" {
		t.Fatalf("results: %s", buf.String())
	}
	if rel := res[1].RelatedLocations; len(rel) != 1 || rel[0].ID != 1 || rel[0].PhysicalLocation.Region.StartLine != 2 {
		t.Errorf("related locations %+v, want line 2", rel)
	}
	// The change's fix: a replacement, and a deletion without insertedContent.
	if fx := res[0].Fixes; len(fx) != 1 || len(fx[0].ArtifactChanges) != 1 {
		t.Fatalf("fixes %+v", fx)
	} else if reps := fx[0].ArtifactChanges[0].Replacements; len(reps) != 2 ||
		reps[0].DeletedRegion != (sarifBytes{ByteOffset: 5, ByteLength: 12}) || reps[0].InsertedContent == nil || reps[0].InsertedContent.Text != "alpine:3.24" ||
		reps[1].DeletedRegion != (sarifBytes{ByteOffset: 30, ByteLength: 11}) || reps[1].InsertedContent != nil {
		t.Errorf("replacements %+v", reps)
	}
	if res[1].Fixes != nil {
		t.Errorf("a refusal carries fixes: %+v", res[1].Fixes)
	}
	ids := map[string]bool{}
	for _, rule := range run.Tool.Driver.Rules {
		if ids[rule.ID] || !strings.Contains(rule.HelpURI, ".md#") {
			t.Errorf("rule %+v: listed twice or its help is not a heading of a pass's page", rule)
		}
		ids[rule.ID] = true
	}
	for _, r := range res {
		if rule := run.Tool.Driver.Rules[r.RuleIndex]; rule.ID != r.RuleID || rule.HelpURI == "" {
			t.Errorf("result for %s points at rule %+v", r.RuleID, rule)
		}
	}
	inv := run.Invocations[0]
	if inv.ExecutionSuccessful || len(inv.ToolExecutionNotifications) != 2 ||
		inv.ToolExecutionNotifications[0].Message.Text != "bad/Dockerfile:2: unknown instruction: RUNN" {
		t.Fatalf("invocation: %s", buf.String())
	}
}

func TestJSONReport(t *testing.T) {
	var buf bytes.Buffer
	if err := writeJSON(&buf, reportJobs()); err != nil {
		t.Fatal(err)
	}
	var r jsonReport
	if err := json.Unmarshal(buf.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Files) != 3 || !r.Files[0].Changed || r.Files[2].Error != "gone/Dockerfile: boom" ||
		len(r.Findings) != 2 || r.Findings[1].Kind != transform.Refused || r.Findings[1].Line != 4 {
		t.Fatalf("%s", buf.String())
	}
	if f := r.Findings[0]; f.Code != "alpine/ignored" || len(f.Edits) != 2 || f.Edits[0].Text != "alpine:3.24" || r.Findings[1].Related[0] != 2 {
		t.Errorf("the report lost a finding's code, edits or related lines: %s", buf.String())
	}
}

// TestJSONReportStreamed checks that writeJSON, which writes one element at
// a time, writes exactly what encoding the whole jsonReport would.
func TestJSONReportStreamed(t *testing.T) {
	for _, jobs := range [][]*job{reportJobs(), nil, reportJobs()[1:]} {
		want := jsonReport{Files: []jsonFile{}, Findings: []transform.Finding{}}
		for _, j := range jobs {
			f := jsonFile{Path: j.name(), Changed: j.changed}
			if j.err != nil {
				f.Error = errorText(j)
			} else {
				want.Findings = append(want.Findings, j.res.Findings...)
			}
			want.Files = append(want.Files, f)
		}
		var got, exp bytes.Buffer
		if err := writeJSON(&got, jobs); err != nil {
			t.Fatal(err)
		}
		if err := encodeJSON(&exp, want); err != nil {
			t.Fatal(err)
		}
		if got.String() != exp.String() {
			t.Errorf("streamed report differs:\n%s\nwant:\n%s", got.String(), exp.String())
		}
	}
}
