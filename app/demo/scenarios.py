"""The demo's cases, as a newcomer should find them on the day the demo is seeded.

Each step is (days before the seeding day, local time); deadlines follow from the clocks
(15 days to accept, 60 to answer a complaint or suggestion, 15 a consultation or praise,
30 for a review), so a case filed 17 days ago and never accepted is overdue, one filed 13
days ago is due soon. Data, not UI: the texts are what citizens and staff wrote.
"""
from app.demo.cases import (
    Scenario, accept, ask_extension, ask_review, assign, extend, follow_up, forward, mark_report, merge,
    note, propose, publish, rate, reject, reply, urge, window_over,
)
from app.domain.workflow import Kind, Rating

C, S, Q, P = Kind.COMPLAINT, Kind.SUGGESTION, Kind.CONSULTATION, Kind.PRAISE
GOOD, FAIR, POOR = Rating.SATISFIED, Rating.BASICALLY, Rating.UNSATISFIED
H, LEAD, JT, XF = "yangming", "yangming-lead", "jiaotong", "dispatch"  # the demo accounts
COUNTY, CITY = "yuyao-supervisor", "ningbo-supervisor"
YM = "poster:YMQ2K8"  # 阳明街道便民服务中心
FS = "poster:FSH7N3"  # 凤山街道 城东菜市场东门 (fumes)
JTP = "poster:JT4P9X"  # 四明西路公交站 (roads)

YANGMING = [
    Scenario("ym-new-streetlight", C, YM, (1, "19:42"),
             "新建路与阳明西路交叉口往东的三盏路灯这几天晚上都不亮，路口车多，过马路看不清，老人小孩很危险，请尽快修一下。",
             "新建路与阳明西路交叉口", ("陈建国", "13857469021")),
    Scenario("ym-new-square-dance", S, YM, (2, "21:15"),
             "舜水社区休闲广场每天晚上广场舞音响开得很大，一直到九点半以后，建议规定结束时间和音量，或者换到远离住宅楼的一侧。",
             "舜水社区休闲广场"),
    Scenario("ym-accept-due-soon", C, YM, (13, "10:05"),
             "谭家岭东路128弄小区门口的垃圾桶每天上午就满出来，清运车下午才来，味道很大，苍蝇也多，希望增加清运次数。",
             "谭家岭东路128弄", ("黄丽娟", "15967423318")),
    Scenario("ym-accept-overdue", C, YM, (17, "14:20"),
             "新建社区7幢楼下的化粪池井盖松动，踩上去会晃，下雨天还有污水冒出来，已经向物业反映多次没有处理。",
             "新建社区7幢", ("周秀英", "13706748852"), steps=(
                 follow_up(5, "20:30", "两个星期了还没有人联系我，井盖还在晃，请尽快处理。"),
                 urge(1, "10:00", COUNTY, "受理已超期，请阳明街道今日内受理并联系反映人。"))),
    Scenario("ym-reply-due-soon", C, YM, (60, "09:30"),
             "阳明西路一家烧烤店把排烟管直接接到后巷，晚上油烟飘进我们楼里，家里窗户都不敢开，希望督促安装油烟净化器。",
             "阳明西路后巷", ("孙伟", "18858741126"), steps=(
                 accept(58, "10:15", H), assign(58, "10:30", LEAD, H),
                 note(20, "16:00", H, "已约谈商户两次，整改方案待街道城管中队确认，本周内再去现场。"))),
    Scenario("ym-reply-overdue", Q, "counter:yangming", (21, "15:10"),
             "我母亲今年75岁，户口在阳明街道，想咨询高龄津贴怎么申请，需要带哪些材料，能不能由子女代办？",
             "", ("吴海燕", "15058463390"), steps=(
                 accept(20, "09:00", H),
                 urge(3, "09:40", COUNTY, "咨询件答复已超期，请尽快电话答复并在系统中回复。"))),
    Scenario("ym-accepted-rubbish", C, YM, (6, "08:20"),
             "舜水南路菜场后面的建筑垃圾堆了半个多月没人清运，占了半条人行道，晚上还有人继续往那里倒。",
             "舜水南路菜场后侧", steps=(
                 accept(5, "09:40", H), note(4, "14:10", H, "已通知环卫所，约定本周五前清运，并在现场设置禁倒提示牌。"))),
    Scenario("ym-accepted-charging", S, YM, (9, "12:30"),
             "建议在新建社区非机动车棚加装电动车充电桩，现在很多居民从楼上拉电线充电，存在火灾隐患。",
             "新建社区", ("郑晓明", "18967812045"), steps=(accept(8, "10:00", H),)),
    Scenario("ym-extension-asked", C, YM, (52, "16:40"),
             "新建社区12幢顶楼住户在楼顶搭建彩钢房，压在公共防水层上，我家已经漏水，多次找物业都没用。",
             "新建社区12幢", ("李美华", "13819847756"), steps=(
                 accept(50, "09:20", H),
                 ask_extension(2, "11:00", H, 20, "涉及小区公共部位违建，需住建、执法部门联合认定，现场测绘结果预计下月中旬出具。"))),
    Scenario("ym-extended", C, "counter:yangming", (56, "10:00"),
             "舜水社区3幢加装电梯工程停工两个多月了，脚手架一直围着，楼道进出很不方便，想知道什么时候能复工。",
             "舜水社区3幢", ("朱志强", "15888314467"), steps=(
                 accept(55, "09:30", H),
                 ask_extension(12, "14:00", H, 30, "加装电梯需全体业主意见征询和燃气管线迁移，须等燃气公司出具迁改方案。"),
                 extend(11, "09:00", LEAD))),
    Scenario("ym-replied", C, YM, (12, "08:45"),
             "舜水南路35号到58号这一段路灯晚上全黑，已经一个多星期了，下班回家骑电动车很危险。",
             "舜水南路35号至58号", ("王建平", "13957812364"), link="replied, waiting for the citizen's rating",
             steps=(accept(11, "09:10", H), reply(
                 2, "15:30", H, claim="反映舜水南路35号至58号路段路灯夜间不亮，要求尽快修复。",
                 facts="经街道城建办现场核查，该路段6盏路灯因地下电缆老化短路停亮，情况属实。",
                 decision="已更换老化电缆约120米，6盏路灯已全部恢复照明，该路段已纳入街道每月夜间巡查。",
                 basis="《城市照明管理规定》；《信访工作条例》第三十二条。"))),
    Scenario("ym-replied-shelter", S, YM, (15, "18:20"),
             "阳明西路菜场公交站没有候车亭，下雨天老人等车只能站在雨里，建议加装一个。", "阳明西路菜场公交站",
             steps=(accept(14, "09:00", H), reply(
                 4, "10:30", H, "感谢您的建议。街道已与交通运输局、公交公司现场踏勘，该站拟增设候车亭，预计两个月内完工。"))),
    Scenario("ym-satisfied", C, YM, (40, "07:50"),
             "新建路菜场门口路面塌陷出一个大坑，已经有电动车摔倒了，希望赶紧修补。", "新建路菜场门口",
             ("蒋国华", "18067453329"), steps=(
                 accept(39, "09:00", H), reply(
                     31, "16:00", H, claim="反映新建路菜场门口路面塌陷，要求修补。",
                     facts="经现场核查，塌陷系雨水管破损导致路基掏空，情况属实。",
                     decision="街道已协调市政养护单位更换破损雨水管并重铺路面，已于答复前完工。",
                     basis="《城市道路管理条例》有关规定。"),
                 propose(31, "16:10", H), publish(30, "09:00", LEAD),
                 rate(30, "20:10", GOOD, "处理很快，谢谢！")), publish=True),
    Scenario("ym-basically", S, YM, (33, "11:00"),
             "建议在新建社区多设几个垃圾分类投放点，现在只有小区门口一个，老人拎垃圾要走很远。", "新建社区",
             ("许秀兰", None), steps=(
                 accept(32, "10:00", H), reply(
                     22, "14:00", H, "感谢建议。已在新建社区增设2处分类投放点，并安排督导员早晚值守；楼道内因消防要求不能设点，敬请谅解。"),
                 propose(22, "14:10", H), publish(21, "10:00", LEAD),
                 rate(20, "09:30", FAIR, "增加了投放点，但离我们楼还是有点远。")), publish=True),
    Scenario("ym-unsatisfied", C, YM, (25, "21:30"),
             "阳明西路一家KTV每天营业到凌晨两点，音响和客人喧哗声很大，我们整栋楼都睡不好。", "阳明西路",
             ("何雪梅", "15167893214"), link="rated unsatisfied: the citizen may ask for review (复查)", steps=(
                 accept(24, "09:10", H), reply(
                     6, "16:20", H, claim="反映阳明西路某KTV夜间噪声扰民。",
                     facts="街道会同生态环境分局夜间检测，该KTV边界噪声超出夜间标准3分贝，情况属实。",
                     decision="已责令经营者加装隔音设施、22时后关闭临街门窗，街道将于半个月内组织复测。",
                     basis="《中华人民共和国噪声污染防治法》有关规定。"),
                 rate(5, "23:40", POOR, "说是整改了，晚上还是很吵。"))),
    Scenario("ym-review", C, YM, (45, "09:00"),
             "新建社区周边道路晚上停满车，消防通道也被堵了，救护车进不来，希望规划停车位并加强管理。", "新建社区周边",
             ("钱文斌", "13605742281"), steps=(
                 accept(44, "10:00", H), reply(
                     22, "15:00", H, claim="反映新建社区周边夜间乱停车、堵塞消防通道。",
                     facts="经夜间巡查，社区东侧道路存在占用消防通道停车，情况属实。",
                     decision="已施划消防通道标线并加强夜间巡查；新增停车位需待周边地块规划调整。",
                     basis="《中华人民共和国消防法》有关规定。"),
                 rate(19, "20:00", POOR, "停车位还是不够，问题没有解决。"),
                 ask_review(18, "20:05", "答复只说加强管理，夜间乱停车和消防通道被堵依旧，请求上级复查。"),
                 note(10, "11:00", COUNTY, "已调取街道处理材料，拟会同综合行政执法局夜间现场核查。"))),
    Scenario("ym-re-review", C, "counter:yangming", (58, "10:30"),
             "我家门口的人行道改造把我家店铺的台阶拆了，一直没有恢复，顾客进出不方便，要求恢复原状或给予补偿。",
             "阳明西路", ("马立新", "18905741193"), steps=(
                 accept(57, "09:00", H), reply(
                     40, "15:00", H, claim="要求恢复店铺台阶原状或给予补偿。",
                     facts="台阶位于人行道红线内，属改造范围，原台阶未经审批。",
                     decision="已在店门处设置无障碍坡道；因原台阶占用公共人行道，不予恢复，不予补偿。",
                     basis="《城市道路管理条例》有关规定。"),
                 rate(38, "18:00", POOR, "坡道太陡，三轮车上不去。"),
                 ask_review(37, "09:00", "对不予补偿的决定有异议，请求复查。"),
                 reply(27, "16:00", COUNTY, claim="对阳明街道不予恢复台阶、不予补偿的处理意见不服。",
                       facts="经复查，原台阶确占用公共人行道，坡道坡度符合无障碍设计标准。",
                       decision="维持阳明街道的处理意见；责成街道在门前增设临时装卸车位。",
                       basis="《信访工作条例》第三十五条。"),
                 rate(26, "19:00", POOR, "临时车位一直没划。"),
                 ask_review(25, "10:00", "对复查意见仍不服，请求宁波市复核。"))),
    Scenario("ym-rejected", C, "counter:yangming", (10, "14:00"),
             "我在阳明街道一家装修公司干了半年，老板拖欠工资两万三千元。我已经申请了劳动仲裁，仲裁委也受理了，但太慢了，请政府帮我要回工资。",
             "", ("刘长春", "13586942270"), steps=(
                 reject(9, "10:00", LEAD, "您反映的工资争议已由劳动人事争议仲裁委员会受理，应当通过仲裁程序解决，依据《信访工作条例》有关规定不予受理。"
                        "如仲裁裁决后用人单位仍不履行，可向人民法院申请强制执行。"),)),
    Scenario("ym-forwarded", Q, YM, (3, "20:00"),
             "孩子明年上小学，我们户口在阳明街道但房子在凤山街道，想问一下学区怎么划分，应该去哪所学校报名？",
             "", ("林晓燕", "15925743086"), steps=(
                 forward(2, "09:30", H, "330281-JY", "学位与入学事项由教育局负责，已转教育局办理。"),)),
    Scenario("ym-merge-master", C, YM, (7, "08:10"),
             "阳明西路120号附近的人行道地砖大面积松动翘起，下雨踩上去溅一身泥水，已经有老人绊倒。",
             "阳明西路120号", ("沈国平", "13777421580"), steps=(accept(6, "09:00", H),)),
    Scenario("ym-merged", C, YM, (6, "19:30"),
             "阳明西路靠近120号那段人行道砖都翘起来了，晚上看不清很容易摔跤，麻烦尽快修。", "阳明西路120号",
             steps=(merge(5, "10:00", LEAD, "ym-merge-master"),)),
    Scenario("ym-praise-closed", P, YM, (48, "17:00"),
             "新建社区网格员小徐每周都上门看望我们独居老人，帮忙买药、修水管，非常热心，特此表扬！", "新建社区",
             ("赵桂芳", None), steps=(
                 accept(47, "09:00", H),
                 reply(45, "10:00", H, "感谢您对新建社区网格员工作的肯定，我们已将表扬转达本人并在社区通报。"),
                 window_over(13, "02:00"))),
    Scenario("ym-report", C, YM, (4, "22:10"),
             "舜水社区有工作人员在困难家庭补助评定时优亲厚友，把自己亲戚评上了低保，真正困难的人家却没评上，请上级调查。",
             "舜水社区", steps=(
                 mark_report(3, "09:15", H, "反映社区工作人员违纪问题，属检举控告类，按规定移交信访局办理。"),
                 accept(2, "10:00", XF))),
]

ELSEWHERE = [
    # 交通运输局: its poster at the bus stop, and roads chosen on the web form.
    Scenario("jt-new-pothole", C, JTP, (1, "07:55"),
             "四明西路市政府站往西约100米，机动车道上有一个很深的坑，早上好几辆电动车在那里差点摔倒。",
             "四明西路市政府站以西", ("杨帆", "18257432906")),
    Scenario("jt-accepted-crossing", S, "web", (10, "13:00"),
             "建议在四明西路与南雷南路交叉口重新施划斑马线，原来的已经磨得看不清了，学生放学过马路很危险。",
             "四明西路与南雷南路交叉口", category="daolu", steps=(accept(9, "10:00", JT),)),
    # Filed by the 12345 hotline's own software through the Open311 API (app/open311/).
    Scenario("jt-open311-signal", C, "open311", (3, "14:10"),
             "谭家岭东路与城东路路口的红绿灯最近一周经常黑屏，早晚高峰车辆抢行，希望尽快修好。",
             "谭家岭东路与城东路路口", ("吴建平", "13957462285"), category="daolu", steps=(accept(2, "09:30", JT),)),
    Scenario("jt-reply-overdue", C, "web", (65, "09:20"),
             "城东路改造后路面比两边小区入口高出二十多厘米，下雨天雨水全倒灌进小区，车也开不进去，要求整改。",
             "城东路", ("徐志刚", "13968275541"), category="daolu", steps=(
                 accept(63, "10:30", JT),
                 urge(2, "09:00", COUNTY, "答复期限已过，请交通运输局说明原因并尽快答复。"))),
    Scenario("jt-satisfied", S, JTP, (28, "08:30"),
             "早上7点到8点，18路公交在市政府站经常满员不停，建议高峰期加密班次。", "四明西路公交站（市政府站）",
             ("方琳", "15869427713"), steps=(
                 accept(27, "09:00", JT),
                 reply(16, "15:00", JT, "感谢您的建议。经客流调查，18路早高峰发车间隔已由15分钟缩短为10分钟，自下周一起执行。"),
                 rate(15, "07:40", GOOD, "谢谢，上班方便多了。"))),
    Scenario("jt-basically", C, "web", (35, "12:00"),
             "南雷南路靠近第二人民医院门口的路面坑洼不平，救护车经过颠簸得很厉害，请尽快修复。", "南雷南路",
             ("郭海军", "18758423309"), category="daolu", steps=(
                 accept(34, "09:00", JT), reply(
                     24, "16:00", JT, claim="反映南雷南路医院门口路面坑洼，要求修复。",
                     facts="经现场核查，该路段沥青面层龟裂破损约60平方米，情况属实。",
                     decision="已完成破损路面铣刨重铺，并将该路段列入明年大中修计划。",
                     basis="《城市道路管理条例》有关规定。"),
                 rate(21, "12:30", FAIR, "坑补好了，但补的地方不太平。"))),
    Scenario("jt-review-closed", C, JTP, (55, "08:00"),
             "四明西路公交站台前的窨井盖下沉，公交车进站时压得砰砰响，晚上整夜都能听到。", "四明西路公交站（市政府站）",
             ("袁丽", "13516749928"), steps=(
                 accept(54, "09:00", JT), reply(
                     42, "15:00", JT, claim="反映公交站台前窨井盖下沉异响。",
                     facts="经核查，井盖下沉约3厘米，情况属实。", decision="已对井盖进行临时加固。",
                     basis="《城市道路管理条例》有关规定。"),
                 rate(40, "21:00", POOR, "只是临时填了沙土，没有真正修好。"),
                 ask_review(40, "21:05", "临时加固后又开始响，请求复查。"),
                 reply(25, "10:00", COUNTY, claim="对交通运输局临时加固的处理不满意。",
                       facts="经复查，临时加固不能根治，井座已损坏。",
                       decision="责成交通运输局更换防沉降井座，已于答复前完工，并列入季度巡查。",
                       basis="《信访工作条例》第三十五条。"),
                 rate(23, "19:20", GOOD, "换了新井盖，终于安静了。"))),
    # 凤山街道: no demo account works there, so its cases wait (and one is late).
    Scenario("fs-new-fumes", C, FS, (2, "12:40"),
             "城东菜市场东门边上的两家小吃店油烟直接往人行道排，路过的人都被熏得睁不开眼。", "城东菜市场东门"),
    Scenario("fs-accept-overdue", C, FS, (19, "18:30"),
             "城东菜市场东门对面的小饭店晚上在门口炒菜，油烟和噪音一直持续到十一点，住在楼上的居民苦不堪言。",
             "城东菜市场东门对面", ("潘佳怡", "18368491275"), steps=(
                 urge(3, "09:30", COUNTY, "已超过受理期限，请凤山街道立即受理并答复反映人。"),)),
    Scenario("fs-forwarded", C, "hotline:dispatch", (2, "09:15"),
             "（12345来电）市民反映凤山街道城东社区3号楼旁的垃圾中转点三天没有清运，气味很大。", "城东社区3号楼",
             ("韩志勇", "13858470652"), category="laji", steps=(
                 forward(1, "10:00", XF, "330281-FS", "属地事项，转凤山街道办理。"),)),
    # The dispatch centre (信访局 / 12345) answers what it can at once and triages the rest.
    Scenario("xf-yibao-closed", Q, "hotline:dispatch", (11, "10:20"),
             "我父亲在上海住院，医保是余姚的，想问问异地就医怎么备案，出院的时候能不能直接结算？", "",
             ("蔡静", "13957419086"), category="yibao", steps=(
                 accept(11, "10:25", XF),
                 reply(10, "14:00", XF, "您好，异地就医可在“浙里办”或国家医保服务平台App办理备案，一般当场办结；"
                       "备案后在就医地的联网定点医院出院时可直接结算。如需帮助，可拨打12393医保服务热线。"),
                 rate(9, "08:50", GOOD))),
    Scenario("xf-new-web", S, "web", (1, "22:30"),
             "建议在姚江沿岸步道增加一些公共厕所和饮水点，周末散步锻炼的人很多，现在要走很远才有厕所。", "姚江沿岸步道",
             category="qita"),
    Scenario("xf-replied", Q, "web", (5, "20:00"),
             "市民卡丢了，想问一下在哪里补办，需要带什么材料，多久能拿到？", "", ("卢浩", "15990285574"),
             category="qita", steps=(
                 accept(4, "09:00", XF),
                 reply(3, "11:00", XF, "您好，市民卡挂失后可到市行政服务中心一楼市民卡窗口补办，携带本人身份证，"
                       "一般7个工作日内可领取新卡。"))),
    # Units without a demo account: the cases wait for them.
    Scenario("jy-new-school", Q, "web", (6, "21:00"),
             "我们在阳明街道租房，社保已经交满两年，孩子明年读初一，请问积分入学需要准备哪些材料，什么时候申请？", "",
             ("龚丽", "18806748821"), category="ruxue"),
    Scenario("rs-new-insurance", Q, "web", (3, "08:40"),
             "灵活就业人员的职工医保断缴了三个月，现在还能补缴吗？补缴之后看病报销会不会受影响？", "", category="yibao"),
    Scenario("mz-new-lights", S, "poster:MZ8C3T", (8, "16:00"),
             "沈巷村村口到公交站那段路没有路灯，冬天五点多天就黑了，村里老人去坐车很不方便，建议装几盏太阳能路灯。",
             "沈巷村村口", ("沈根荣", None)),
]

SCENARIOS = YANGMING + ELSEWHERE
