package transform

import "fmt"

// frozenAlpine says why image:tag must not move to its closest Alpine tag
// because that tag's software is older (issue 18 §5, never older): the
// Alpine tag stopped being published before the tag itself did (a frozen
// -alpine line: tomcat:7-alpine last built 2019-05 while tomcat:7 was
// updated until 2021-07). The months come from the official-images
// snapshots in data/images.tsv (last_seen, monthly); "" when the Alpine
// tag was published as long as the tag.
func frozenAlpine(image, tag string, row imageTag, tags *imageTags) string {
	a, ok := tags.tags[row.alpine]
	if !ok || a.lastSeen == "" || row.lastSeen == "" || a.lastSeen >= row.lastSeen {
		return ""
	}
	return fmt.Sprintf("%s:%s's Alpine variant %s was last published in %s, while %s:%s was updated until %s: the Alpine line is frozen and its software older; keep the base, or move to a newer version that has a current Alpine tag", image, tag, row.alpine, a.lastSeen, image, tag, row.lastSeen)
}
