// Command guestbook serves a page rendered from templates/ and the files in
// static/, both read from the working directory at run time.
package main

import (
	"html/template"
	"log"
	"net/http"
)

func main() {
	page := template.Must(template.ParseFiles("templates/index.html"))
	http.Handle("/static/", http.StripPrefix("/static/", http.FileServer(http.Dir("static"))))
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		page.Execute(w, map[string]any{"Title": "Guestbook", "Entries": []string{"first", "second"}})
	})
	log.Fatal(http.ListenAndServe(":8080", nil))
}
