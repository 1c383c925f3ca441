# The one-tap decision page (/a/…) opened from the service manager's and director's SMS.
decide-plan-version = 救援方案 第 { $version } 版
decide-lead = 救援负责人
decide-items = 维修项目
decide-total = 预估费用
decide-accept-text = 车间主管已提交救援方案，请审核。通过后请致电客户确认。
decide-accept-button = 审核通过
decide-consent-text = 请致电客户，说明预计到达时间、救援负责人姓名及电话、维修项目和预估费用。客户同意后点击下方按钮记录。
decide-consent-button = 客户已同意
decide-approve-text = 客户已同意此方案，请审批。批准后立即派工。
decide-approve-button = 批准并派工
decide-other-answers = 需要退回、客户不同意或驳回时，请登录后在救援单页面处理。
decide-stale = 此链接对应方案第 { $sent } 版，方案已更新为第 { $current } 版。新版本的链接将另行发送。
decide-done = 此步骤已处理，目前无需您操作。
decide-open-ticket = 打开完整救援单（需登录）
