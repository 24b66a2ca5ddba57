// Command wordfreq prints how often each word of its arguments occurs.
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
)

func main() {
	counts := map[string]int{}
	for _, a := range os.Args[1:] {
		for _, w := range strings.Fields(a) {
			counts[strings.ToLower(w)]++
		}
	}
	words := make([]string, 0, len(counts))
	for w := range counts {
		words = append(words, w)
	}
	sort.Slice(words, func(i, j int) bool {
		if counts[words[i]] != counts[words[j]] {
			return counts[words[i]] > counts[words[j]]
		}
		return words[i] < words[j]
	})
	for _, w := range words {
		fmt.Printf("%d %s\n", counts[w], w)
	}
}
