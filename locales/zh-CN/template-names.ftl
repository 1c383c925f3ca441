# 消息模板名称（发件箱、救援单页面；src/i18n/locale.rs 中的 template_label）

template-technician-dispatch = 技师派工通知
template-customer-crew-departed = 救援已出发（客户）
template-customer-parts-delay = 配件延误（客户）
template-customer-resolved = 救援完成（客户）
template-customer-location-request = 请客户发送定位
template-plan-review = 方案待审核
template-consent-call = 请致电客户确认
template-plan-approval = 方案待审批
template-plan-returned = 方案被退回
template-plan-rejected = 方案被驳回
template-parts-to-issue = 待发放配件
template-part-review = 监控件待审核
template-transfer-to-send = 待发出调拨
template-fault-mismatch = 故障与方案不符

template-customer-suspension = 停止服务区域通知（客户）
template-customer-suspension-lifted = 停止服务解除（客户）
