# 兄弟门店借调技师：本店技师在兄弟门店救援单的救援组中（调度看板上的标记）。

sister-board-lent = 借调·{ $dealer }
sister-board-lent-title = 兄弟门店的救援单，本店技师在其救援组中
