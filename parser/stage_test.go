package parser

import "testing"

func TestStageByName(t *testing.T) {
	d, err := Parse([]byte("FROM a AS Build\nFROM b\nFROM c AS tail\n"))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]int{"build": 0, "BUILD": 0, "1": 1, "0": 0, "TAIL": 2, "2": 2, "01": -1, "3": -1, "-1": -1, "x": -1} {
		got := -1
		if s := d.StageByName(name); s != nil {
			got = s.Index
		}
		if got != want {
			t.Errorf("StageByName(%q) = stage %d, want %d", name, got, want)
		}
	}
}
