# 页面 status.html

status-finding-your-location = 正在获取定位…
status-location-sent-thank-you = 位置已发送，谢谢！
status-no-location-please-allow-the-browser = 未能获取定位，请允许浏览器使用位置信息。
status-not-sure-where-you-are-send = 说不清位置？点击下方按钮，把手机定位发送给救援人员。
status-rescue-status = 救援进度
status-send-my-location = 发送我的位置
status-sending-failed-please-try-again = 发送失败，请稍后再试。
status-the-part-your-car-needs-is = 所需配件正在调运，预计到货
status-this-browser-cannot-tell-its-location = 此浏览器无法获取定位，请直接致电经销店。
status-we-have-received-your-location = 已收到您发送的位置。
status-your-rescue = 救援进度
