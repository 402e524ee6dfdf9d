import type { Topic } from './kb-types'

interface Plan {
  name: string
  fee: number
  data: string
  voice: string
  extras: string
  eligibility: string
}

const PLANS: readonly Plan[] = [
  { name: '5G畅享129元套餐', fee: 129, data: '30GB国内通用流量', voice: '500分钟国内通话', extras: '含来电显示，可任选一项视频会员权益', eligibility: '所有个人客户' },
  { name: '5G畅享199元套餐', fee: 199, data: '60GB国内通用流量', voice: '1000分钟国内通话', extras: '含2张免费副卡，赠送视频会员权益', eligibility: '所有个人客户' },
  { name: '冰激凌99元套餐', fee: 99, data: '40GB高速流量，超出后限速1Mbps不额外收费', voice: '300分钟国内通话', extras: '含来电显示', eligibility: '所有个人客户' },
  { name: '融合169元套餐', fee: 169, data: '40GB国内通用流量', voice: '500分钟国内通话', extras: '含300M宽带和IPTV，可加1张副卡', eligibility: '装机地址有宽带资源的个人客户' },
  { name: '校园卡19元套餐', fee: 19, data: '20GB定向流量加5GB通用流量', voice: '100分钟国内通话', extras: '校园内免费Wi-Fi', eligibility: '全日制在校学生，凭学生证办理' },
  { name: '老年关爱18元套餐', fee: 18, data: '2GB国内通用流量', voice: '200分钟国内通话', extras: '3个亲情号码免费互打', eligibility: '年满60周岁的客户' },
  { name: '流量王39元套餐', fee: 39, data: '15GB国内通用流量', voice: '100分钟国内通话', extras: '超出流量3元/GB', eligibility: '所有个人客户' },
  { name: '商务尊享299元套餐', fee: 299, data: '100GB国内通用流量', voice: '2000分钟国内通话', extras: '国际漫游日包5折，机场贵宾厅每年6次', eligibility: '所有个人客户，金卡及以上客户优先' },
  { name: '亲情副卡10元套餐', fee: 10, data: '共享主卡流量', voice: '共享主卡语音', extras: '每张主卡最多办理4张副卡', eligibility: '主卡为后付费套餐的客户' },
  { name: '大王卡29元套餐', fee: 29, data: '5GB通用流量，指定应用免流', voice: '国内通话0.1元/分钟', extras: '指定应用以官方公布的清单为准', eligibility: '所有个人客户' },
]

function planTopics(): Topic[] {
  return PLANS.flatMap((p): Topic[] => {
    const summary = `${p.name}月费${p.fee}元，包含${p.data}、${p.voice}，${p.extras}。适用对象：${p.eligibility}。`
    return [
      {
        title: `${p.name}资费说明`,
        subject: p.name,
        category: 'plan',
        shape: 'guide',
        tags: ['套餐', '资费', p.name],
        explain: summary,
        steps: ['核实客户身份并查询当前套餐与合约。', `向客户介绍${p.name}的月费与包含内容。`, '说明套餐外资费：国内通话0.15元/分钟，国内流量按3元/GB计费（另有约定的除外）。', '客户同意办理的，按“套餐变更规则”提交变更。'],
        notes: ['介绍资费须完整、准确，不得只讲优惠不讲限制条件。', '新套餐次月1日生效，当月仍按原套餐计费。'],
      },
      {
        title: `${p.name}变更规则`,
        subject: `${p.name}变更`,
        category: 'plan',
        shape: 'guide',
        tags: ['套餐', '变更', p.name],
        explain: `客户从其他套餐变更为${p.name}，或从${p.name}变更为其他套餐，均次月生效。${summary}`,
        steps: ['核实机主身份（须服务密码或本人证件）。', '查询客户是否有未到期合约，合约期内一般不能降档。', '向客户确认变更后的月费与生效时间，并发送二次确认短信。', '客户回复确认后提交变更，告知变更结果短信通知。'],
        notes: ['每月只能变更一次套餐，变更申请在月底前可撤销。', '由高档变更为低档时，已赠送的权益在次月起失效。'],
      },
      {
        title: `${p.name}常见问题`,
        subject: p.name,
        category: 'plan',
        shape: 'faq',
        tags: ['套餐', 'FAQ', p.name],
        explain: summary,
        steps: [],
        notes: [],
        faq: [
          [`${p.name}每月多少钱？包含什么？`, summary],
          ['办理后什么时候生效？', '次月1日生效；新入网客户当月按天折算月费与套餐内容。'],
          ['流量用完了怎么办？', '可订购流量包，或开通流量自动叠加；部分套餐超出后限速不收费，以资费说明为准。'],
          ['可以办理副卡吗？', '后付费套餐可办理亲情副卡，每张10元/月，共享主卡流量和语音。'],
        ],
      },
    ]
  })
}

const PLAN_EXTRA: readonly Topic[] = [
  {
    title: '套餐变更规则',
    subject: '套餐变更',
    category: 'plan',
    shape: 'guide',
    tags: ['套餐', '变更', '通用规则'],
    explain: '所有套餐变更均次月生效，每月限变更一次。合约期内原则上只能升档不能降档。',
    steps: ['核实机主身份。', '查询当前套餐、合约及捆绑业务。', '说明新套餐资费和生效时间，发送二次确认短信。', '客户确认后提交变更。'],
    notes: ['热线不受理过户后30天内的套餐变更。', '政企统付号码的套餐变更须由企业经办人申请。'],
  },
  {
    title: '套餐降档限制说明',
    subject: '套餐降档',
    category: 'plan',
    shape: 'faq',
    tags: ['套餐', '降档', '合约'],
    explain: '套餐降档受合约约束。',
    steps: [],
    notes: [],
    faq: [
      ['为什么不能降低套餐？', '您办理了合约（如存费送费或购机优惠），合约期内须保持不低于约定档位的套餐。'],
      ['合约到期后可以降档吗？', '可以，合约到期次月起可自由变更套餐。'],
      ['一定要降档怎么办？', '可申请解除合约，须按规定退还已享受的优惠或支付违约金。'],
    ],
  },
  {
    title: '合约期内变更套餐的处理',
    subject: '合约期内变更套餐',
    category: 'plan',
    shape: 'guide',
    tags: ['合约', '套餐', '变更'],
    explain: '合约期内客户要求变更套餐的，先查询合约条款确定是否允许，再向客户说明影响。',
    steps: ['查询合约类型、到期时间和最低消费档位。', '变更后的套餐不低于约定档位的，正常受理。', '低于约定档位的，说明违约责任，客户坚持的登记工单由维系组跟进。'],
    notes: ['维系挽留时不得承诺系统外的优惠。'],
    internal: true,
  },
]

interface SimService {
  name: string
  explain: string
  materials: string
  steps: readonly string[]
  hotline: boolean
}

const SIM_SERVICES: readonly SimService[] = [
  { name: '补换卡', explain: 'SIM卡丢失、损坏或需更换为5G卡时办理，补卡后原卡立即失效。', materials: '机主本人有效身份证件原件', steps: ['客户携带证件到营业厅办理，或在手机营业厅申请邮寄新卡。', '营业员核验证件并进行人像比对。', '写卡激活，原卡失效。'], hotline: false },
  { name: '销户', explain: '销户须机主本人办理，结清所有费用并解除合约与捆绑业务。', materials: '机主本人身份证件原件', steps: ['热线可协助查询欠费、合约与捆绑业务情况。', '客户到营业厅办理，核验身份后结清费用。', '销户后号码冻结90天，期满后重新投放。'], hotline: false },
  { name: '停机保号', explain: '客户短期不使用号码时可办理停机保号，每月收取保号费5元，最长可保12个月。', materials: '核实身份即可（服务密码或证件信息）', steps: ['核实机主身份。', '确认停机保号的起始时间和期限。', '提交办理，停机期间号码不能拨打和接听，不产生月租。'], hotline: true },
  { name: '实名制补登记', explain: '按照实名制要求，未实名或资料不全的号码须补登记，否则将限制使用。', materials: '机主本人身份证件原件', steps: ['查询号码实名状态。', '引导客户在手机营业厅进行人像比对补登记，或到营业厅办理。', '补登记完成后限制自动解除。'], hotline: false },
  { name: '携号转网', explain: '客户可保留号码转至其他运营商，须满足在网满120天、无欠费、无未到期合约等条件。', materials: '机主本人身份证件原件', steps: ['发送短信“CXXZ#姓名#证件号码”查询是否具备携转资格。', '具备资格的，客户获取授权码后到新运营商办理。', '转出前结清话费，账户余额可申请退还。'], hotline: true },
  { name: '副卡办理', explain: '后付费主卡可办理亲情副卡，副卡共享主卡流量和语音。', materials: '主卡机主身份证件及副卡使用人身份证件', steps: ['核实主卡身份与套餐是否支持副卡。', '预约营业厅办理或选择邮寄上门激活。', '副卡开通后次月起收取副卡月费。'], hotline: true },
  { name: '过户', explain: '号码过户须原机主和新机主双方同意，原号码结清费用。', materials: '原机主和新机主的身份证件原件', steps: ['双方到营业厅办理，核验证件。', '结清原机主费用，解除原合约。', '新机主签署入网协议。'], hotline: false },
  { name: '靓号预约', explain: '尾号有特殊规律的号码为靓号，按等级收取最低消费并须签订在网协议。', materials: '机主本人身份证件', steps: ['在选号系统按规则搜索可用靓号。', '向客户说明靓号等级、最低消费与在网期限。', '预约保留48小时，客户须在期限内到营业厅办理。'], hotline: true },
  { name: 'eSIM开通', explain: '支持eSIM的手表、平板可开通一号双终端，共享主号码。', materials: '机主本人身份证件，设备须支持eSIM', steps: ['确认设备型号在支持清单内。', '客户在手机营业厅申请，进行人像比对。', '扫描开通二维码完成激活。'], hotline: true },
  { name: '复机', explain: '停机保号、挂失或欠费停机的号码可申请复机。', materials: '核实身份即可；挂失停机的须本人证件', steps: ['查询停机原因。', '欠费停机的缴清费用后自动复机；停机保号的核实身份后提交复机。', '挂失停机的须先补卡再复机。'], hotline: true },
]

function simTopics(): Topic[] {
  return SIM_SERVICES.flatMap((s): Topic[] => [
    {
      title: `${s.name}办理流程`,
      subject: s.name,
      category: 'sim',
      shape: 'guide',
      tags: ['号卡业务', s.name],
      explain: `${s.explain}${s.hotline ? '热线可直接受理。' : '热线不能直接办理，只提供政策解答和预约。'}`,
      steps: s.steps,
      notes: [`所需材料：${s.materials}。`, '代办须提供机主和代办人双方证件及授权书，热线不受理代办。'],
    },
    {
      title: `${s.name}所需材料`,
      subject: s.name,
      category: 'sim',
      shape: 'faq',
      tags: ['号卡业务', s.name, '办理材料'],
      explain: s.explain,
      steps: s.steps,
      notes: [],
      faq: [
        [`办理${s.name}需要带什么？`, `${s.materials}。`],
        ['可以让家人代办吗？', '可以到营业厅代办，须携带机主和代办人双方身份证件原件及机主签字的授权书。'],
        [`电话里能办${s.name}吗？`, s.hotline ? '可以，核实身份后热线直接受理。' : '不能，须本人到营业厅办理，我们可以帮您查询附近营业厅。'],
      ],
    },
  ])
}

interface ValueAddedService {
  name: string
  fee: string
  explain: string
}

const VALUE_ADDED: readonly ValueAddedService[] = [
  { name: '来电显示', fee: '6元/月，多数套餐已包含', explain: '开通后来电时显示主叫号码。' },
  { name: '彩铃', fee: '5元/月，铃音另按首计费', explain: '主叫听到的回铃音替换为客户设置的音乐。' },
  { name: '国际漫游', fee: '开通免费，使用按漫游地资费计费', explain: '开通后可在境外使用语音、短信和数据业务。' },
  { name: '流量包', fee: '10元1GB至50元20GB不等，当月有效', explain: '套餐内流量不够时叠加使用，不影响原套餐。' },
  { name: '语音信箱', fee: '3元/月', explain: '无人接听或关机时来电可留言，客户可随时收听。' },
  { name: '呼叫转移', fee: '开通免费，转移后的通话按主叫计费', explain: '将来电转移到其他号码，可设置无条件转移或遇忙、无应答转移。' },
  { name: '视频会员权益包', fee: '15元/月至25元/月', explain: '每月可领取一项主流视频平台的会员权益。' },
  { name: '云盘', fee: '基础空间免费，扩容5元/月起', explain: '手机照片、通讯录可自动备份到云端。' },
  { name: '家庭安防摄像头', fee: '15元/月，含7天云回看', explain: '摄像头与宽带账号绑定，可在手机上实时查看。' },
  { name: '5G加速包', fee: '5元/天或30元/月', explain: '开通后享受更高的5G网络速率优先级。' },
]

function valueAddedTopics(): Topic[] {
  return VALUE_ADDED.flatMap((v): Topic[] => [
    {
      title: `${v.name}开通与取消`,
      subject: v.name,
      category: 'vas',
      shape: 'guide',
      tags: ['增值业务', v.name],
      explain: `${v.explain}资费：${v.fee}。`,
      steps: ['核实机主身份。', `向客户说明${v.name}的资费与生效时间。`, '开通的，发送二次确认短信，客户回复后生效。', '取消的，直接退订，次月起不再收费。'],
      notes: ['所有收费业务开通前必须完成二次确认，否则视为违规订购。'],
    },
    {
      title: `${v.name}收费标准`,
      subject: v.name,
      category: 'vas',
      shape: 'faq',
      tags: ['增值业务', '资费', v.name],
      explain: v.explain,
      steps: [],
      notes: [],
      faq: [
        [`${v.name}怎么收费？`, `${v.fee}。`],
        ['当月取消还收费吗？', '包月业务当月取消的，当月费用照常收取，次月起不再收费。'],
        [`怎么查自己有没有开通${v.name}？`, '可在手机营业厅“已订业务”中查询，或由客服核实身份后查询。'],
      ],
    },
  ])
}

export function orderTopics(): Topic[] {
  return [...planTopics(), ...PLAN_EXTRA, ...simTopics(), ...valueAddedTopics()]
}
