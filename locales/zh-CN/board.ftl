# 调度看板（/board）：墙面大屏上的未结救援单、倒计时、地图。

board-title = 调度看板
board-nav = 调度看板
board-sound-off = 开启提示音
board-sound-on = 提示音已开启
board-map = 救援地图
board-count-open = 未结救援单
board-count-warning = 即将超时
board-count-breached = 已超时
board-count-crews-out = 在外救援组
board-scope-group = 集团全部门店
board-scope-dealer = 本店
board-cut = 只显示最早来电的 { $shown } 单（共 { $open } 单未结）。
board-empty = 目前没有未结的救援单。
board-waits-on = 待：
board-paused = 计时暂停中
board-no-promise = 无承诺时限
board-crews = 在外救援组
board-crew-departed = 在途
board-crew-on-site = 在现场
board-crew-lead = 负责人 { $name }
board-crew-members = 共 { $count } 人
board-crew-position-unknown = 位置未知
board-step-start-planning = 制定方案
board-step-submit-plan = 提交方案
board-step-manager-review = 经理审核
board-step-customer-consent = 客户确认
board-step-director-approval = 总监审批
board-step-depart = 出发
board-step-arrive = 到达现场
board-step-resolve = 现场处理
board-step-close = 结单

label-action-view-board = 查看调度看板
label-action-view-group-board = 查看集团调度看板

board-count-open-complaints = 未结投诉
board-complaints = 未结投诉
board-complaint-open-for = 已 { $time }
board-suspensions = 停止服务区域
board-suspension-until = 至 { $until }
board-count-vehicles-ready = 救援车辆可出车
board-count-vehicles-not-ready = { $count } 辆不可出车
board-vehicles = 救援车辆：出车中与不可出车
board-vehicle-out = 出车中
