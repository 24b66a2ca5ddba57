package tsv

import (
	"fmt"
	"strings"
	"testing"
)

func TestRows(t *testing.T) {
	var got []string
	err := Rows("# about\nname\tn\n\na\t1\n# note\nb\t\n", 2, func(line int, f []string) {
		got = append(got, fmt.Sprintf("%d:%s", line, strings.Join(f, "|")))
	})
	if err != nil || strings.Join(got, " ") != "4:a|1 6:b|" {
		t.Errorf("Rows = %q, %v; want rows 4 and 6 without the header and comments", got, err)
	}
	for text, want := range map[string]string{
		"a\tb\nx\n":            `2: want 2 tab-separated fields: "x"`,
		"a\tb\nx\ty\tz\n":      `2: want 2 tab-separated fields: "x\ty\tz"`,
		"# c\na\tb\n1\t2\n3\n": `4: want 2 tab-separated fields: "3"`,
	} {
		n := 0
		err := Rows(text, 2, func(int, []string) { n++ })
		if err == nil || err.Error() != want {
			t.Errorf("Rows(%q) = %v, want the error %s", text, err, want)
		}
		if strings.Count(text, "\n") == 4 && n != 1 {
			t.Errorf("Rows(%q) called row %d times before the bad line, want 1", text, n)
		}
	}
}
