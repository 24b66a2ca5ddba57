module example.com/meeting

go 1.26
