# 页面 ticket_new.html

new-ticket-address = 地址
new-ticket-call-time-empty-now = 来电时间（空 = 现在）
new-ticket-caller = 来电人
new-ticket-caller-cannot-say-where-text-them = 客户说不清位置：登记后发短信请客户发送手机定位（可只填地址，坐标待定位）
new-ticket-chinese-map-apps = （高德/腾讯地图）
new-ticket-customer-name = 客户姓名
new-ticket-datum = 坐标系
new-ticket-e-g-hangzhou-ring-motorway-2 = 例：杭州绕城高速留下出口往西 2 公里
new-ticket-fault-symptom = 故障现象
new-ticket-gps = （GPS）
new-ticket-latitude = 纬度
new-ticket-location = 救援地点
new-ticket-longitude = 经度
new-ticket-mileage-km = 里程（公里）
new-ticket-model = 车型
new-ticket-note-on-repairs-elsewhere = 在外维修说明
new-ticket-open-rescue-ticket = 登记救援单
new-ticket-paste-coordinates-map-app-lon-lat = 粘贴坐标（高德/腾讯地图：经度,纬度）
new-ticket-phone = 联系电话
new-ticket-plate = 车牌号
new-ticket-repaired-elsewhere = 有在外维修
new-ticket-take-a-call = 登记来电
new-ticket-vin-optional = 车架号 VIN（选填）
new-ticket-enter-a-number = 请输入数字
new-ticket-enter-whole-kilometres = 请输入整数公里数
