/* The words for the codes the API answers that more than one screen shows:
 * clock names, escalation levels, ticket kinds, channels and priorities.
 * kefu.word('clock.', code) reads them; a code not here (a deployment's own
 * clock) is shown as it is. */
'use strict';
kefu.strings({
  'zh-CN': {
    'clock.first_response': '首次响应', 'clock.arrange': '预约上门', 'clock.call_centre_check': '呼叫中心核实',
    'clock.arrival': '到达现场', 'clock.resolution': '解决', 'clock.complaint_decision': '投诉裁定',
    'clock.plan': '处理方案', 'clock.callback': '回访', 'clock.revisit': '复访', 'clock.final_inspection': '终检',
    'level.team_lead': '组长', 'level.department_head': '部门主管', 'level.centre_director': '中心主任',
    'level.general_manager': '总经理',
    'kind.consultation': '咨询', 'kind.repair': '维修', 'kind.installation': '安装', 'kind.complaint': '投诉',
    'kind.return': '退换货', 'kind.suggestion': '建议',
    'channel.hotline': '热线', 'channel.web': '网站', 'channel.chat': '在线客服', 'channel.email': '邮件',
    'channel.walk_in': '到店', 'channel.dealer': '经销商',
    'priority.low': '低', 'priority.normal': '普通', 'priority.high': '高', 'priority.urgent': '紧急',
  },
  en: {
    'clock.first_response': 'First response', 'clock.arrange': 'Arrange visit', 'clock.call_centre_check': 'Call centre check',
    'clock.arrival': 'Arrival', 'clock.resolution': 'Resolution', 'clock.complaint_decision': 'Complaint decision',
    'clock.plan': 'Plan', 'clock.callback': 'Callback', 'clock.revisit': 'Revisit', 'clock.final_inspection': 'Final inspection',
    'level.team_lead': 'Team lead', 'level.department_head': 'Department head',
    'level.centre_director': 'Centre director', 'level.general_manager': 'General manager',
    'kind.consultation': 'Consultation', 'kind.repair': 'Repair', 'kind.installation': 'Installation',
    'kind.complaint': 'Complaint', 'kind.return': 'Return', 'kind.suggestion': 'Suggestion',
    'channel.hotline': 'Hotline', 'channel.web': 'Web', 'channel.chat': 'Chat', 'channel.email': 'Email',
    'channel.walk_in': 'Walk-in', 'channel.dealer': 'Dealer',
    'priority.low': 'Low', 'priority.normal': 'Normal', 'priority.high': 'High', 'priority.urgent': 'Urgent',
  },
});
