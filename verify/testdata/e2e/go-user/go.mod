module example.com/whoamijob

go 1.26
