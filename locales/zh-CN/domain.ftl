# Messages of the domain rules: validation, plans, sourcing, workflow.

## Sourcing rules.
dom-sourcing-dangerous-goods-no-air = 危险品不能空运
dom-sourcing-review-required = 监控件须先审核车辆和车主信息
dom-sourcing-customer-dangerous-goods = 该配件属于危险品（如安全气囊、铅酸蓄电池），按规定不能空运，只能陆运，因此到货较慢，敬请谅解。
dom-sourcing-customer-monitored = 该配件属于防盗监控件（如钥匙、防盗控制单元），按规定须先核实车辆和车主信息才能订货，因此需要稍多一些时间，敬请谅解。

## The ticket workflow.
dom-ticket-invalid-transition = 当前状态“{ $status }”下不能执行此操作

## Plans.
dom-required = 必填
dom-plan-crew-empty = 请至少安排一名技师
dom-plan-crew-too-many = 救援组最多 { $max } 人
dom-plan-one-lead = 须指定且仅指定一名救援负责人
dom-plan-technician-twice = 技师重复
dom-plan-too-many-lines = 最多 { $max } 行
dom-plan-listed-twice = 重复
dom-plan-labour-range = 工时应为 0 到 { $max } 分钟
dom-plan-rate-out-of-range = 工时费率超出范围
dom-plan-items-empty = 请至少填写一个维修项目
dom-plan-estimated-range = 预计维修时间应为 1 到 { $max } 分钟
dom-plan-travel-range = 路程应为 0 到 { $max } 公里
dom-plan-notes-too-long = 最多 { $max } 字

## Intake.
dom-intake-call-time-format = 时间格式应为 RFC 3339，例如 2026-11-22T09:30:00+08:00
dom-intake-call-time-future = 来电时间不能晚于现在
dom-intake-call-time-too-old = 来电时间不能早于 { $days } 天前
dom-intake-crs-invalid = 坐标系只能是 wgs84 或 gcj02
dom-intake-location-request-needs-mobile = 客户说不清位置时需要手机号，才能发送定位短信
dom-intake-mileage-range = 里程应在 0 到 { $max } 公里之间
dom-intake-response-level-invalid = 响应级别只能是 1、2 或 3
dom-intake-open-ticket-for-plate = 此车牌已有未结束的救援单 { $numbers_zh }：请确认是否同一次故障
dom-intake-mileage-below-last-visit = 里程 { $now } 公里低于上次到店记录的 { $last } 公里：请与客户核对

## Texts the system stores (hold and cancel reasons, timeline notes), rendered when shown.
dom-stored-mismatch-hold = 现场故障与方案不符，待新方案
dom-stored-rescue-over = 救援已结束
dom-stored-no-longer-in-plan = 方案变更，不再需要
dom-stored-plan-revised = 方案改为第 { $version } 版
dom-stored-superseded-by = 被第 { $version } 版方案取代
dom-stored-customer-declined = 客户不同意方案
dom-stored-customer-phone-position = 客户手机定位
