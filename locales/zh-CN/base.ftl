# 页面 base.html

nav-roadside-rescue = 紧急救援
nav-sign-out = 退出
nav-tickets = 救援单
