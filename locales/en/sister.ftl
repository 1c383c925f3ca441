# A sister dealer's technician on a crew: our technician on another dealer's rescue (the board's mark).

sister-board-lent = Lent to { $dealer }
sister-board-lent-title = A sister dealer's rescue with our technician on its crew
