# Names of the values of domain enums and codes, one key per value.

# Ticket statuses (domain::ticket::TicketStatus)
label-ticket-status-new = 新建
label-ticket-status-planning = 制定方案
label-ticket-status-awaiting-manager-review = 待服务经理审核
label-ticket-status-awaiting-customer-consent = 待客户确认
label-ticket-status-awaiting-director = 待服务总监审批
label-ticket-status-approved = 已批准
label-ticket-status-dispatched = 已出发
label-ticket-status-on-site = 已到达现场
label-ticket-status-replanning = 重新制定方案
label-ticket-status-resolved = 已解决
label-ticket-status-towed-to-workshop = 拖回维修
label-ticket-status-closed = 已关闭
label-ticket-status-cancelled = 已取消

# Roles (domain::role::Role)
label-role-call-agent = 服务顾问/呼叫中心
label-role-workshop-lead = 车间主管
label-role-service-manager = 服务经理
label-role-service-director = 服务总监
label-role-parts-desk = 配件部
label-role-parts-manager = 配件经理
label-role-technician = 技师
label-role-admin = 管理员
label-role-catalogue-admin = 平台配件目录管理员

# Shipping modes and sourcing kinds (domain::sourcing)
label-shipping-mode-drive = 专车送达
label-shipping-mode-road = 汽运
label-shipping-mode-express = 快递
label-shipping-mode-air = 空运
label-sourcing-kind-sister-transfer = 兄弟4S店调货
label-sourcing-kind-manufacturer = 厂家紧急订单

# Sourcing order statuses (domain::sourcing_order)
label-order-status-proposed = 待下单
label-order-status-reviewed = 已审核
label-order-status-placed = 已下单
label-order-status-shipped = 运输中
label-order-status-received = 已到店
label-order-status-delivered = 已送达现场
label-order-status-consumed = 已使用
label-order-status-cancelled = 已取消
label-order-held = { $status }（暂停，待新方案）

# Response levels (domain::response_level)
label-response-level-major = 一级（重大）
label-response-level-serious = 二级（严重）
label-response-level-general = 三级（一般）

# Milestones of a rescue (services::timeline)

# Approval steps and decisions (domain::approval)
label-approval-step-manager-review = 服务经理审核
label-approval-step-customer-consent = 客户确认
label-approval-step-director = 服务总监审批
label-decision-accepted = 通过
label-decision-returned = 退回
label-decision-agreed = 同意
label-decision-declined = 不同意
label-decision-approved = 批准
label-decision-rejected = 驳回
label-approval-voided = 作废

# Technician skills and grades (demo::SKILLS, demo::GRADES)
label-skill-engine = 发动机
label-skill-electrical = 电器
label-skill-battery-ev = 新能源高压电池
label-skill-transmission = 变速箱
label-skill-brakes = 制动
label-skill-tyres = 轮胎
label-skill-towing = 拖车
label-skill-diagnostics = 故障诊断
label-skill-air-conditioning = 空调
label-skill-body = 车身
label-skill-keys-immobiliser = 钥匙防盗
label-grade-junior = 初级技师
label-grade-intermediate = 中级技师
label-grade-senior = 高级技师
label-grade-master = 技师长
label-audit-ticket-created = 登记救援单
label-audit-plan-started = 开始制定方案
label-audit-plan-saved = 保存方案
label-audit-plan-submitted = 提交方案
label-audit-plan-revised = 修改方案（新版本）
label-audit-review-accepted = 服务经理审核通过
label-audit-review-returned = 服务经理退回
label-audit-consent-agreed = 客户同意
label-audit-consent-declined-replan = 客户不同意，重新制定
label-audit-consent-declined-cancel = 客户不同意，取消
label-audit-approval-approved = 服务总监批准
label-audit-approval-rejected = 服务总监驳回
label-audit-parts-issued = 领料
label-audit-parts-returned = 退料
label-audit-sourcing-proposed = 选定配件来源
label-audit-sourcing-reviewed = 监控件审核通过
label-audit-sourcing-placed = 调货/订货已下单
label-audit-sourcing-shipped = 配件已发出
label-audit-sourcing-received = 配件到店
label-audit-sourcing-delivered = 配件送达现场
label-audit-sourcing-cancelled = 取消调货/订货
label-audit-sourcing-held = 寻源单暂停，待新方案
label-audit-stock-changed = 库存预留/释放
label-audit-customer-location-shared = 客户发送了位置
label-audit-customer-location-requested = 已发定位请求短信
label-audit-crew-acknowledged = 技师确认接单
label-audit-crew-departed = 救援出发
label-audit-crew-arrived = 到达现场
label-audit-site-mismatch-reported = 现场故障与方案不符
label-audit-site-resolved = 现场解决
label-audit-site-towed = 拖回维修
label-audit-ticket-closed = 关闭
label-audit-ticket-cancelled = 取消
label-visit-maintenance = 保养
label-visit-repair = 维修
label-visit-rescue = 救援
label-visit-warranty = 保修
label-language-zh-cn = 中文
label-language-en = 英文

# What a role may or may not do (a refusal names it).
label-action-create-ticket = 创建救援单
label-action-view-tickets = 查看救援单
label-action-view-vehicle-history = 查看车辆维修记录
label-action-view-parts-desk = 查看配件台
label-action-view-outbox = 查看消息发件箱
label-action-retry-messages = 重发消息
label-action-import-data = 导入 DMS 数据
label-action-import-catalogue = 导入共享配件目录
label-action-import-group-data = 导入库存或维修记录
label-action-pause-clock = 暂停或恢复计时
label-action-review-monitored-parts = 审核监控件
label-action-work-sourcing-orders = 处理寻源单
label-action-issue-parts = 领料
label-action-view-technician-jobs = 查看技师任务
