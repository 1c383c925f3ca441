# 救援车辆：登记、出车前检查、是否可出车
fleet-action-view = 查看救援车辆
fleet-action-manage = 登记救援车辆
fleet-action-check = 记录车辆检查
fleet-not-found = 找不到该救援车辆
fleet-plate-taken = 本店已登记了这个车牌的救援车辆。
fleet-check-item-required = 请逐项确认：通过或不通过
fleet-check-note-required = 有检查项未通过，请写明问题
fleet-kind-service-van = 服务车
fleet-kind-tow-truck = 拖车
fleet-kind-flatbed = 平板拖车
fleet-carries-tool-kit = 工具箱
fleet-carries-jump-pack = 搭电宝
fleet-carries-tyre-kit = 补胎工具
fleet-ready = 可出车
fleet-check-failed = 检查未通过
fleet-check-overdue = 今日未检查
fleet-never-checked = 从未检查
