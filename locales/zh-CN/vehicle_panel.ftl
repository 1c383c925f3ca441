# 页面 vehicle_panel.html

vehicle-home-dealer = 所属店
vehicle-last-mileage = 上次里程
vehicle-recent-service-history = 最近维修记录
vehicle-this-vehicle-is-not-on-file = 本集团没有此车的档案：请完整记录车型与里程。
