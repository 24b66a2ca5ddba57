package parser

// Shells returns the stage's SHELL instructions in order, found once: the
// passes ask which SHELL a RUN runs under for every RUN, and scanning the
// stage each time was quadratic in its length.
func (st *Stage) Shells() []*Instruction {
	if st.shells == nil {
		var found []*Instruction
		for _, in := range st.Instructions {
			if in.Keyword == "shell" {
				found = append(found, in)
			}
		}
		st.shells = &found
	}
	return *st.shells
}
