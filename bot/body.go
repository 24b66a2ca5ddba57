package bot

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/docklean/docklean/transform"
)

// fingerprintMarker starts the hidden comment that identifies the bot's pull
// requests and the change they carry.
const fingerprintMarker = "<!-- docklean:fingerprint="

// foreignMarker marks the comment saying the bot stopped updating a branch.
const foreignMarker = "<!-- docklean:foreign-commits -->"

// fingerprintOf returns the fingerprint in a pull request body, "" if none.
func fingerprintOf(body string) string {
	_, rest, ok := strings.Cut(body, fingerprintMarker)
	if !ok {
		return ""
	}
	fp, _, _ := strings.Cut(rest, " ")
	return fp
}

var conventional = regexp.MustCompile(`^[a-z]+(\([^)]*\))?!?: `)

// title is the commit and pull request title: a conventional-commit title
// when at least half of the base's recent subjects are conventional commits.
func title(subjects []string) string {
	n := 0
	for _, s := range subjects {
		if conventional.MatchString(s) {
			n++
		}
	}
	if len(subjects) > 0 && 2*n >= len(subjects) {
		return "chore(docker): slim down Dockerfiles with docklean"
	}
	return "Slim down Dockerfiles with docklean"
}

// commitMessage is the title and the files the commit changes.
func commitMessage(title string, p *plan) string {
	var b strings.Builder
	b.WriteString(title + "\n\nRewritten by docklean bot:\n\n")
	for _, f := range p.files {
		if f.Changed() {
			fmt.Fprintf(&b, "- %s\n", f.Path)
		}
	}
	return b.String()
}

// body is the pull request description: per changed file a table of what
// each pass did and why, what was left unchanged and why, the size estimate
// when there is one, how to switch a pass off, and the fingerprint marker.
// why maps a pass name to its one-line summary.
func body(p *plan, why map[string]string) string {
	var b strings.Builder
	n := len(p.changed())
	b.WriteString("docklean rewrote ")
	if n == 1 {
		b.WriteString("1 Dockerfile")
	} else {
		fmt.Fprintf(&b, "%d Dockerfiles", n)
	}
	b.WriteString(" to make the images smaller and the builds leaner. Every change is listed below with the pass that made it and why; docklean checked that each rewritten file still parses and keeps its stages.\n")
	for _, f := range p.files {
		changes, refusals, notes := split(f.Findings)
		if f.Err == nil && !f.Changed() && len(refusals)+len(notes) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n### `%s`\n\n", f.Path)
		if f.Err != nil {
			fmt.Fprintf(&b, "Not processed: %s\n", cell(f.Err.Error()))
			continue
		}
		if len(changes) > 0 {
			b.WriteString("| pass | line | what | why |\n| --- | --- | --- | --- |\n")
			for i, c := range changes {
				reason := why[c.Pass]
				if i > 0 && changes[i-1].Pass == c.Pass {
					reason = "″" // same pass as the row above
				}
				fmt.Fprintf(&b, "| `%s` | %d | %s | %s |\n", c.Pass, c.Line, cell(c.Message), cell(reason))
			}
		}
		if len(refusals)+len(notes) > 0 {
			if len(changes) > 0 {
				b.WriteString("\n")
			}
			for _, r := range refusals {
				fmt.Fprintf(&b, "- line %d, `%s`, not changed: %s\n", r.Line, r.Pass, cell(r.Message))
			}
			for _, r := range notes {
				fmt.Fprintf(&b, "- line %d, `%s`: note: %s\n", r.Line, r.Pass, cell(r.Message))
			}
		}
		if f.Estimate != "" {
			fmt.Fprintf(&b, "\nSize: %s\n", cell(f.Estimate))
		}
	}
	b.WriteString("\n<details><summary>How to switch a pass off</summary>\n\n" +
		"- For one instruction: put `# docklean:ignore=PASS` on the line above it (`# docklean:ignore` switches every pass off there).\n" +
		"- For a whole file: put `# docklean:ignore-file` above its first instruction.\n" +
		"- For the bot: add `--skip PASS` to the `docklean bot` command in the workflow.\n\n" +
		"Closing this pull request without merging it tells the bot not to propose the same change again.\n</details>\n")
	fmt.Fprintf(&b, "\n%s%s -->\n", fingerprintMarker, p.fingerprint())
	return b.String()
}

// split sorts findings by kind.
func split(fs []transform.Finding) (changes, refusals, notes []transform.Finding) {
	for _, f := range fs {
		switch f.Kind {
		case transform.Changed:
			changes = append(changes, f)
		case transform.Refused:
			refusals = append(refusals, f)
		default:
			notes = append(notes, f)
		}
	}
	return changes, refusals, notes
}

// cell makes text safe for one Markdown table cell or list item.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.Join(strings.Fields(s), " ")
}

// closingComment explains why the bot closes its pull request.
const closingComment = "docklean has nothing to change on the base branch any more, so this pull request is no longer needed. Closing it."

// foreignComment says, once, that the bot stopped updating its branch.
func foreignComment(branch string, commits []string) string {
	return fmt.Sprintf("Someone other than the bot pushed to `%s` (%s), so docklean will not update this branch or pull request any more. Delete the branch to let the bot start over.\n\n%s\n",
		branch, strings.Join(commits, ", "), foreignMarker)
}
