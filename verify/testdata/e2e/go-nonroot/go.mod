module example.com/cachejob

go 1.26
