# 短信与邮件（src/notify/templates.rs）
# 数值以格式化好的文字传入（时间、金额）；短信前缀【RescueDesk】由代码添加。

## 各消息共用

msg-common-hello = 您好：
msg-common-dear = 尊敬的{ $name }，您好！
msg-common-footer = 此邮件由 RescueDesk 紧急救援系统自动发送，请勿直接回复。
# 邮件中标签与值之间
msg-common-colon = ：
msg-common-none = 无
msg-common-list-separator = 、
msg-common-version = 第{ $version }版
msg-common-amount = ¥{ $amount }
msg-common-ticket = 救援单号
msg-common-phone = 联系电话
msg-common-expected-arrival = 预计到达
msg-common-plan-version = 方案版本
msg-common-estimated-cost = 预估费用
msg-common-revise-the-plan = 修改方案
msg-common-fault-found-on-site = 现场确认的故障

## 技师派工

msg-technician-dispatch-subject = 派工通知：救援单 { $number }，{ $address }
msg-technician-dispatch-intro = 您已被派往以下紧急救援任务。救援方案已经服务总监批准，请凭方案到配件部领料后尽快出发，并在任务页面上报出发和到达。
msg-technician-dispatch-customer = 客户
msg-technician-dispatch-location = 故障地点
msg-technician-dispatch-fault = 故障现象
msg-technician-dispatch-items = 维修项目
msg-technician-dispatch-tools = 所需工具
msg-technician-dispatch-parts = 所需配件
msg-technician-dispatch-open-job = 打开任务页面
msg-technician-dispatch-map-amap = 在高德地图中导航
msg-technician-dispatch-map-osm = 在地图中打开（OpenStreetMap）
# 短信模板参数 time，未给出预计到达时间时
msg-technician-dispatch-asap = 尽快
msg-technician-dispatch-sms-expected = 预计到达{ $time }。
msg-technician-dispatch-sms-set-off-now = 请尽快出发。
msg-technician-dispatch-sms-map = 导航 { $url }{" "}
# $when、$map 为上面三条短信片段；$items、$tools、$parts 已用分隔符连接
msg-technician-dispatch-sms = 派工：救援单{ $number }，客户{ $customer_name }，电话{ $customer_phone }，地点{ $address }，故障：{ $fault }。{ $when }项目：{ $items }。工具：{ $tools }。配件：{ $parts }。{ $map }任务 { $job_link }

## 客户：救援已出发

msg-customer-crew-departed-subject = 救援人员已出发，预计{ $expected_arrival }到达
msg-customer-crew-departed-intro = 我们的救援人员已经出发，预计{ $expected_arrival }到达您所在的位置。
msg-customer-crew-departed-lead = 救援负责人
msg-customer-crew-departed-safety = 等候期间，请您打开危险报警闪光灯，在车后方按规定距离放置三角警告牌，并到安全地带等候（在高速公路上请撤离到护栏外侧）。如有任何情况，请随时与救援负责人联系。
msg-customer-crew-departed-follow = 查看救援进度
msg-customer-crew-departed-sms = { $customer_name }您好，救援人员已出发，预计{ $expected_arrival }到达。救援负责人{ $lead_name }，电话{ $lead_phone }。进度：{ $status_link }

## 客户：配件延误（客户短信不超过两条 UCS-2 分段，即 134 个单位）

msg-customer-parts-delay-subject = 配件到货时间通知：{ $part_name }
msg-customer-parts-delay-intro = 您车辆维修所需的配件「{ $part_name }」需要另行调货，预计{ $new_eta }到货。到货后我们将第一时间与您联系，安排安装。
msg-customer-parts-delay-dangerous-goods = 该配件属于危险品（如安全气囊、铅酸蓄电池），按规定不能空运，只能陆运，因此到货较慢，敬请谅解。
# 同上，少几个字，使短信不超过两段
msg-customer-parts-delay-dangerous-goods-sms = 该配件属危险品（如安全气囊、铅酸蓄电池），按规定不能空运，只能陆运，故到货较慢，敬请谅解。
msg-customer-parts-delay-sorry = 给您带来的不便，我们深表歉意，敬请谅解。
msg-customer-parts-delay-follow = 查看进度
# $why 为上面的短信版危险品说明
msg-customer-parts-delay-sms-dangerous-goods = { $customer_name }您好，您的{ $part_name }预计{ $new_eta }到货。{ $why }进度：{ $status_link }
msg-customer-parts-delay-sms = { $customer_name }您好，您车辆所需的{ $part_name }需另行调货，预计{ $new_eta }到货，到货后将尽快为您安装，敬请谅解。进度：{ $status_link }
# 短信模板参数 note
msg-customer-parts-delay-note = 危险品不能空运，只能陆运

## 客户：救援完成

msg-customer-resolved-subject = 您的车辆（{ $plate }）故障已排除
msg-customer-resolved-intro = 您的车辆（{ $plate }）故障已由我们的救援人员在现场排除。感谢您对我们的信任与耐心等候。
msg-customer-resolved-follow-up = 欢迎点击下方链接为本次救援服务打分；如您未评价，近日我们的服务顾问将致电回访，了解您的意见和建议。祝您行车平安！
msg-customer-resolved-details = 查看详情并为本次服务打分
msg-customer-resolved-sms = { $customer_name }您好，您的车辆{ $plate }故障已在现场排除，感谢您的信任与耐心。欢迎点击链接为本次服务打分：{ $status_link }

## 客户：请发送定位

msg-customer-location-request-subject = 请发送您的位置，便于救援人员找到您
msg-customer-location-request-intro = 为了让救援人员尽快、准确地找到您，请点击下方链接，允许浏览器获取位置后提交您当前的位置。
msg-customer-location-request-share = 发送我的位置
msg-customer-location-request-safety = 请在安全的地方操作，切勿在行车道上停留。
msg-customer-location-request-sms = { $customer_name }您好，为便于救援人员尽快找到您，请点击链接发送您当前的位置：{ $link }

## 员工通知：每条短信正文之后紧跟链接；detail 为通用短信模板 staff_notice 的短语

msg-plan-review-subject = 待审核：救援单 { $number } 的救援方案（第{ $version }版）
msg-plan-review-body = 车间主管已提交救援单 { $number } 的救援方案（第{ $version }版），预估费用 ¥{ $total_yuan }，请您审核。
msg-plan-review-action = 审核方案
msg-plan-review-sms = 救援单{ $number }的救援方案（第{ $version }版，预估¥{ $total_yuan }）待您审核：
msg-plan-review-detail = 方案第{ $version }版待您审核

msg-consent-call-subject = 请致电客户确认方案：救援单 { $number }
msg-consent-call-body = 救援单 { $number } 的救援方案已通过审核。请致电客户，告知预计到达时间、救援负责人姓名及电话、维修项目和预估费用，并记录客户是否同意。
msg-consent-call-action = 记录客户意见
msg-consent-call-sms = 救援单{ $number }的方案已通过审核，请致电客户说明安排及费用，并记录客户意见：
msg-consent-call-detail = 方案已审核，请致电客户确认

msg-plan-approval-subject = 待审批：救援单 { $number } 的救援方案（第{ $version }版）
msg-plan-approval-body = 救援单 { $number } 的救援方案（第{ $version }版）已经服务经理审核，客户已同意，预估费用 ¥{ $total_yuan }，请您审批。方案获批前不能发料和派工。
msg-plan-approval-action = 审批方案
msg-plan-approval-sms = 救援单{ $number }的救援方案（第{ $version }版，预估¥{ $total_yuan }）客户已同意，待您审批：
msg-plan-approval-detail = 方案第{ $version }版待您审批

msg-plan-returned-subject = 方案被退回：救援单 { $number }
msg-plan-returned-body = 救援单 { $number } 的救援方案被服务经理退回，请根据意见修改后重新提交。
msg-plan-returned-reason = 退回原因
msg-plan-returned-sms = 救援单{ $number }的方案被服务经理退回，原因：{ $reason }。请修改后重新提交：
msg-plan-returned-detail = 方案被退回，请修改

msg-plan-rejected-subject = 方案未获批准：救援单 { $number }
msg-plan-rejected-body = 救援单 { $number } 的救援方案未获服务总监批准，请根据意见修改后重新提交。
msg-plan-rejected-reason = 驳回原因
msg-plan-rejected-sms = 救援单{ $number }的方案被服务总监驳回，原因：{ $reason }。请修改后重新提交：
msg-plan-rejected-detail = 方案未获批准，请修改

msg-parts-to-issue-subject = 请备料：救援单 { $number }（方案第{ $version }版已批准）
msg-parts-to-issue-body = 救援单 { $number } 的救援方案（第{ $version }版）已经服务总监批准。请按方案备齐配件，发放给救援负责人；如有缺件，请及时安排调货。
msg-parts-to-issue-action = 发料
msg-parts-to-issue-sms = 救援单{ $number }的方案（第{ $version }版）已批准，请按方案备料并发放给救援负责人：
msg-parts-to-issue-detail = 方案第{ $version }版已批准，请备料

msg-transfer-to-send-subject = 请调出配件：{ $part } 发往 { $to }
msg-transfer-to-send-body = { $to } 的救援单 { $number } 向本店调货「{ $part }」，配件已在本店货架上为其保留。请尽快发出，并在配件台登记承运商和运单号。
msg-transfer-to-send-part = 配件
msg-transfer-to-send-to = 发往
msg-transfer-to-send-action = 登记发货
msg-transfer-to-send-sms = { $to }救援单{ $number }向本店调货「{ $part }」，请尽快发出并登记运单：
msg-transfer-to-send-detail = 调货{ $part }发往{ $to }

msg-part-review-subject = 监控件待审核：救援单 { $number }
msg-part-review-body = 救援单 { $number } 需要调货或订购监控件「{ $part }」。按规定，下单前须核对车架号并核实车主身份（身份证、行驶证）。请尽快审核，配件部才能下单。
msg-part-review-part = 监控件
msg-part-review-action = 审核
msg-part-review-sms = 救援单{ $number }的监控件「{ $part }」待审核（核对车架号与车主）：
msg-part-review-detail = 监控件{ $part }待审核

msg-fault-mismatch-subject = 现场故障与方案不符：救援单 { $number }
msg-fault-mismatch-body = 救援负责人在现场确认，救援单 { $number } 的实际故障与救援方案不符。请车间主管修订方案；修订后的方案须重新征得客户同意，并经服务总监审批。
msg-fault-mismatch-action = 查看救援单
msg-fault-mismatch-sms = 救援单{ $number }现场故障与方案不符：{ $found }。请车间主管修订方案：
msg-fault-mismatch-detail = 现场故障与方案不符

msg-orders-held-subject = 寻源单暂停：救援单 { $number } 现场故障与方案不符
msg-orders-held-body = 救援单 { $number } 的救援负责人在现场确认，实际故障与方案不符，正在重新制定方案。为原方案调货或订购的配件「{ $parts }」已暂停：尚未下单的请勿下单，尚未发出的请勿发出。新方案提交后，仍需要的将自动继续，不再需要的将自动取消并释放兄弟店保留的库存。
msg-orders-held-parts = 暂停的配件
msg-orders-held-action = 查看寻源单
msg-orders-held-sms = 救援单{ $number }现场故障与方案不符，原方案的寻源单已暂停（{ $parts }），请勿下单或发货，待新方案决定：
msg-orders-held-detail = 寻源单暂停，待新方案
msg-transfer-to-send-site-subject = 请调出配件：{ $part } 直送 { $to } 的救援现场
msg-transfer-to-send-site-body = { $to } 的救援单 { $number } 向本店调货「{ $part }」，配件已在本店货架上为其保留。请尽快直接发往救援现场：{ $site }，并在配件台登记承运商和运单号。
msg-transfer-to-send-site-for = 救援单位
msg-transfer-to-send-site-sms = { $to }救援单{ $number }向本店调货「{ $part }」，请尽快直送救援现场{ $site }并登记运单：
msg-transfer-to-send-site-detail = 调货{ $part }直送救援现场{ $site }
