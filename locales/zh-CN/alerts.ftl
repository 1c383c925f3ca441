# The timer worker's warnings and escalations (notify::templates, StaffPromiseWarning and
# StaffPromiseBreached); audit labels of what it records.
msg-promise-warning-subject = 即将超时：{ $level }救援单 { $number }，{ $stage }
msg-promise-warning-body = { $level }救援单 { $number } 承诺的“{ $stage }”将于 { $deadline } 到期，还剩 { $minutes } 分钟。请督促当前环节的负责人尽快处理。
msg-promise-warning-sms = { $level }救援单{ $number }“{ $stage }”将于{ $deadline }到期，还剩{ $minutes }分钟，请督促处理：
msg-promise-warning-detail = 承诺时限即将到期
msg-promise-breached-subject = 已超时：{ $level }救援单 { $number }，{ $stage }
msg-promise-breached-body = { $level }救援单 { $number } 承诺的“{ $stage }”已于 { $deadline } 到期，已超时 { $minutes } 分钟。客户仍在等待，请立即介入。
msg-promise-breached-sms = { $level }救援单{ $number }“{ $stage }”已于{ $deadline }超时，已超{ $minutes }分钟，客户仍在等待，请立即介入：
msg-promise-breached-detail = 承诺时限已超时
msg-promise-action = 查看救援单
msg-promise-level = 响应级别
msg-promise-stage = 承诺环节
msg-promise-deadline = 到期时间
alert-audit-warning = 承诺即将超时，已提醒
alert-audit-breached = 承诺已超时，已升级
template-promise-warning = 承诺即将超时
template-promise-breached = 承诺已超时
template-orders-held = 配件订单已暂停
alert-audit-late = 环节完成时已超时，已记录
alert-audit-late-detail = { $stage }：超时 { $minutes } 分钟完成
alert-audit-told = { $stage }：已通知 { $people }
alert-audit-by-system = 系统自动
