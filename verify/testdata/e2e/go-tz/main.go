// Command meeting prints one meeting time in several time zones, loaded
// with time.LoadLocation from the system's time zone database.
package main

import (
	"fmt"
	"log"
	"time"
)

func main() {
	at := time.Date(2026, time.March, 30, 15, 0, 0, 0, time.UTC)
	for _, name := range []string{"Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Sydney"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-18s %s\n", name, at.In(loc).Format("Mon 2 Jan 15:04 MST"))
	}
}
