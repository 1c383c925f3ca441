# The crew's phone on the road: sharing its position from the job page, and the crew's distance
# and arrival on the ticket page, the board and the customer's status page.

crew-share-title = 向调度台和客户共享位置
crew-share-explain = 前往客户途中，此页面可每半分钟发送一次手机位置，调度台和客户可以看到您还有多远。到达现场或工单结束后自动停止，且仅在此页面打开时发送。
crew-share-start = 共享我的位置
crew-share-stop = 停止共享
crew-share-unsupported = 此浏览器无法获取位置。
crew-share-finding = 正在获取您的位置……
crew-share-on = 正在共享位置，最近一次发送于 { $seconds } 秒前。
crew-share-active = 正在共享位置。
crew-share-failed = 发送失败，稍后自动重试。
crew-share-denied = 无法获取位置：请允许此页面使用您的位置后重试。
crew-share-ended = 工单已不在途中，位置共享已停止。
crew-share-stopped = 已停止共享位置。

crew-eta-line = 救援车距现场 { $km } 公里，约 { $minutes } 分钟（截至 { $time }）。
crew-eta-stale = 救援车最近的位置来自 { $time }，之后未再收到，因此不显示距离。
crew-eta-routed = 按道路路线（路线服务）
crew-eta-estimated = 按直线距离估算

crew-status-distance = 救援车距您约 { $km } 公里。
crew-status-arrival = 预计 { $time } 到达，还有 { $minutes } 分钟。
crew-status-stale = 几分钟内没有收到救援车的位置，以上为之前告知您的到达时间。

crew-board-position-at = 位置 { $time }
crew-board-position-stale = 位置已过时（最近 { $time }）

crew-position-job-not-active = 此工单不在途中（当前：{ $status }），不接收位置。
crew-position-too-soon = { $seconds } 秒内已收到过位置，本次未保存。
crew-position-accuracy-range = 精度须在 0 到 { $max } 米之间。
crew-position-time-bad = 手机给出的定位时间不可信。
crew-eta-title = 救援车在途
