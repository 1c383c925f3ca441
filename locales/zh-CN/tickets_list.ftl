# 页面 tickets_list.html

tickets-called-from = 来电自
tickets-clear = 清除
tickets-no-tickets-match = 没有符合条件的救援单。
tickets-page = 第
tickets-phone = 电话
tickets-rescue-tickets = 救援单
tickets-rescue-tickets-2 = 紧急救援单
tickets-take-a-call = 登记一个来电
tickets-to = 至
