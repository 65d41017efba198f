// Korean and English words of the webmail. The Korean ones are those our
// users know from the webmail they leave (shared/spec/GLOSSARY.md); keep
// both catalogues in the same order so a missing key is easy to see. An
// English text with a count is {one, other} (t picks by the count); Korean
// counts need no plural.

const catalogues = {
  ko: {
    appName: 'Postroom',
    email: '메일 주소', password: '비밀번호', login: '로그인', logout: '로그아웃',
    loginTitle: '메일 로그인', loginHint: '전체 메일 주소와 메일 비밀번호로 로그인하세요. 시스템 관리자는 operator로 로그인합니다.',
    sessionExpired: '로그인 시간이 지났습니다. 다시 로그인하면 보던 화면으로 돌아갑니다.',
    loggingIn: '로그인 중…',
    mail: '메일', contacts: '주소록', settings: '환경설정',
    inbox: '받은메일함', sent: '보낸메일함', drafts: '임시보관함', spam: '스팸메일함', trash: '휴지통', archive: '보관함',
    myFolders: '내 메일함', addFolder: '메일함 추가', newFolderName: '새 메일함 이름', parentFolder: '상위 메일함', noParent: '(최상위)',
    renameFolder: '이름 바꾸기', deleteFolder: '메일함 삭제', folderName: '메일함 이름',
    confirmDeleteFolder: '"{name}" 메일함과 그 안의 메일을 모두 삭제할까요?',
    checkMail: '새메일확인', unreadOnly: '읽지 않은 메일', reply: '답장', replyAll: '전체답장', forward: '전달', resend: '재전송',
    reportSpam: '스팸신고', notSpam: '스팸 아님', delete: '삭제', deletePermanently: '완전삭제', more: '추가기능',
    conversation: '대화목록', markRead: '읽음으로 표시', markUnread: '읽지 않음으로 표시', star: '중요 표시', unstar: '중요 표시 해제',
    move: '이동', moveTo: '메일함으로 이동', download: '메일 저장(.eml)', print: '인쇄', viewSource: '원문 보기', compose: '메일쓰기',
    confirmDeletePermanently: '선택한 메일 {n}통을 완전히 삭제할까요? 되돌릴 수 없습니다.',
    ok: '확인', cancel: '취소', close: '닫기', selectAll: '전체 선택',
    pageSelected: '이 페이지의 메일 {n}통이 선택되었습니다.', selectFolder: '메일함의 메일 {n}통 모두 선택',
    folderSelected: '메일함의 메일 {n}통이 모두 선택되었습니다.', clearSelection: '선택 해제',
    noMessages: '메일이 없습니다.', noSelection: '메일을 선택하세요.', loading: '불러오는 중…',
    total: '전체 {n}통', unread: '안 읽음 {n}', perPage: '{n}개씩', prev: '이전', next: '다음', page: '{page} / {pages}',
    from: '보낸사람', to: '받는사람', cc: '참조', bcc: '숨은참조', date: '날짜', subject: '제목', replyTo: '회신 주소',
    noSubject: '(제목 없음)', attachments: '첨부파일', showImages: '이미지 보기',
    imagesBlocked: '보안을 위해 외부 이미지 {n}개를 표시하지 않았습니다.',
    brokenMime: '이 메일의 형식에 문제가 있어 일부가 보이지 않을 수 있습니다.',
    senderInfo: '보낸사람 정보', showDetails: '자세히', hideDetails: '간단히', andMore: '외 {n}명',
    search: '메일 검색', searchPlaceholder: '메일 검색', advancedSearch: '상세검색', searchResults: '"{q}" 검색 결과',
    searchResultsPlain: '검색 결과', body: '본문', since: '시작일', before: '종료일', hasAttachment: '첨부파일 있음',
    allFolders: '전체 메일함', doSearch: '검색', clearSearch: '검색 닫기',
    moved: '메일 {n}통을 이동했습니다.', deleted: '메일 {n}통을 삭제했습니다.', markedSpam: '메일 {n}통을 스팸메일함으로 옮겼습니다.',
    markedNotSpam: '메일 {n}통을 받은메일함으로 옮겼습니다.', updated: '메일 {n}통을 변경했습니다.',
    folderCreated: '"{name}" 메일함을 만들었습니다.', folderDeleted: '메일함을 삭제했습니다.', folderRenamed: '메일함 이름을 바꿨습니다.',
    newMail: '새 메일 {n}통', newMailFrom: '{from}: {subject}',
    keyboard: '단축키', keyHelp: '단축키 도움말',
    keyJ: '다음 메일', keyK: '이전 메일', keyU: '목록으로 돌아가기', keyHash: '삭제', keySlash: '검색', keyQuestion: '단축키 도움말',
    keyX: '선택/해제', keyEsc: '닫기, 선택 해제', keyC: '메일쓰기', keyR: '답장', keyA: '전체답장', keyF: '전달', keySend: '보내기 (메일쓰기 화면)',
    keyOpen: '선택한 메일 열기', keySpam: '스팸신고', keyRead: '읽음으로 표시', keyUnread: '읽지 않음으로 표시', keyStar: '중요 표시/해제', keyMove: '메일함으로 이동',
    layout: '화면 나누기', layoutSplit: '3단 보기', layoutList: '목록만 보기', resizeList: '목록 너비 조절',
    notifications: '데스크톱 알림', notificationsOn: '데스크톱 알림 켜짐', notificationsOff: '데스크톱 알림 꺼짐',
    notificationsDenied: '브라우저에서 알림이 차단되어 있습니다.',
    language: '언어', timeZone: '시간대', thisComputer: '이 컴퓨터', backToList: '목록', folders: '메일함', offline: '서버에 연결할 수 없습니다. 다시 연결하는 중…',
    usage: '사용량', me: '나', size: '크기',
    today: '오늘', yesterday: '어제', sentAt: '보낸 날짜: {date}',
    send: '보내기', scheduleSend: '예약발송', saveDraft: '임시저장', discard: '취소', ccBcc: '참조/숨은참조',
    scheduled: '예약 메일', noScheduled: '예약된 메일이 없습니다.', edit: '수정', cancelSend: '발송 취소',
    cancelScheduledConfirm: '예약 발송을 취소할까요? 메일은 임시보관함에 남습니다.', scheduleCancelled: '예약 발송을 취소했습니다. 메일은 임시보관함에 있습니다.',
    scheduleAt: '보낼 시각 ({zone})', schedulePast: '지금 이후의 시각을 고르세요.', scheduledToast: '{time}에 보내도록 예약했습니다.',
    sentToast: '메일을 보냈습니다.', sending: '메일을 {n}초 뒤에 보냅니다.', undo: '발송취소', sendUndone: '발송을 취소했습니다. 메일을 다시 편집할 수 있습니다.',
    draftSaved: '{time}에 임시저장됨', draftSavedToast: '임시보관함에 저장했습니다.',
    discardTitle: '메일쓰기 취소', discardSavedText: '이 메일은 임시보관함에 저장되어 있습니다. 임시보관함에 남겨 둘까요, 버릴까요? 버린 메일은 휴지통으로 옮겨집니다.',
    discardUnsavedText: '작성한 내용을 임시보관함에 저장할까요, 버릴까요?',
    keepDraft: '임시보관함에 저장', discardDraft: '버리기', keepWriting: '계속 쓰기', draftDiscarded: '임시저장 메일을 휴지통으로 옮겼습니다.',
    noRecipients: '받는사람을 입력하세요.', invalidAddresses: '올바르지 않은 메일 주소가 있습니다. 빨간색 주소를 고치세요.',
    invalidAddress: '올바르지 않은 메일 주소', waitUploads: '첨부파일을 올리는 중입니다. 끝난 뒤에 보내세요.',
    noSubjectConfirm: '제목이 없습니다. 제목 없이 보낼까요?', addressBook: '주소록에서 선택', remove: '삭제', noAddresses: '주소가 없습니다.',
    sourceDirectory: '조직 주소록', sourceRecent: '최근 받는사람', searchAddresses: '이름 또는 주소 검색',
    quoteOriginal: '원문 포함', sendIndividually: '개인별 발송', saveSent: '보낸메일함에 저장', readReceipt: '수신확인', forwardAsAttachment: '원본을 첨부파일로 전달',
    attachFiles: '파일 첨부', dropHere: '또는 파일을 여기로 끌어 놓으세요', attachLimit: '{used} / 최대 {limit}',
    tooLarge: '첨부파일은 모두 합쳐 {limit}까지 보낼 수 있습니다.', uploadFailed: '파일을 올리지 못했습니다.', uploadCancelled: '올리기를 취소했습니다.',
    richText: '서식 있는 글', plainText: '일반 텍스트', formatting: '서식', font: '글꼴', fontSize: '크기', color: '글자색',
    size_small: '작게', size_normal: '보통', size_large: '크게', 'size_x-large': '아주 크게', 'size_xx-large': '제일 크게',
    bold: '굵게', italic: '기울임', underline: '밑줄', strike: '취소선', bulletList: '글머리 기호', numberList: '번호 매기기',
    alignLeft: '왼쪽 정렬', alignCenter: '가운데 정렬', alignRight: '오른쪽 정렬', link: '링크', linkURL: '링크 주소', insertImage: '이미지 넣기',
    quoteHeader: '{date}, {from} 님이 작성:', forwardedMessage: '전달된 메일',
    // the system operator's console (console.js)
    console: '관리', operatorRole: '시스템 관리자', domains: '도메인', accountsCount: '계정 {n}개',
    consoleFirstTitle: '첫 도메인을 추가하세요', consoleChooseDomain: '왼쪽에서 도메인을 고르세요',
    stepDomain: '회사의 메일 도메인(예: example.co.kr)을 추가합니다.', stepAdmin: '그 도메인의 메일관리자를 만듭니다. 관리자는 사용자를 추가하고 관리합니다.',
    stepDNS: 'DNS 레코드 탭의 레코드를 도메인의 DNS에 등록하면 메일을 주고받을 수 있습니다.',
    domainCreated: '{name} 도메인을 추가했습니다.', domainPlaceholder: 'example.co.kr', newDomain: '새 도메인', addDomain: '도메인 추가',
    adminsCount: '관리자 {n}명', usedAmount: '사용량 {used}', needsAdmin: '이 도메인에는 아직 메일관리자가 없습니다. 먼저 관리자를 만드세요.',
    usersTab: '사용자 관리', dnsTab: 'DNS 레코드', passwordsDiffer: '비밀번호가 서로 다릅니다.',
    adminCreated: '메일관리자 {email}을(를) 만들었습니다.', userCreated: '사용자 {email}을(를) 만들었습니다.',
    addFirstAdmin: '메일관리자 만들기', addUser: '사용자 추가', userId: '아이디', userName: '이름', passwordRule: '8자 이상',
    passwordConfirm: '비밀번호 확인', adminFlag: '메일관리자', noUsers: '아직 사용자가 없습니다.', yes: '예',
    dnsHint: '아래 레코드를 도메인의 DNS에 등록하세요. 메일 서버 이름은 {host}입니다.', copy: '복사', copied: '복사했습니다.',
    // Settings (settings*.js): the menu is the manual's ([Settings] 1–8)
    setGeneral: '기본 설정', setMail: '메일 설정', setFolders: '메일함관리', setFilters: '메일분류 규칙', setSpam: '스팸관리 설정',
    setServer: '메일서버 정보', setPassword: '비밀번호 변경', setAccess: '접속로그',
    saveSettings: '저장', resetSettings: '되돌리기', settingsSaved: '설정을 저장했습니다.', unsavedShort: '저장하지 않은 변경 사항이 있습니다.',
    unsavedTitle: '저장하지 않은 변경 사항', unsavedText: '저장하지 않은 변경 사항이 있습니다. 저장하지 않고 나갈까요?',
    keepEditing: '계속 편집', discardChanges: '저장하지 않고 나가기', loadFailed: '불러오지 못했습니다. 잠시 후 다시 시도하세요.', retry: '다시 시도',
    add: '추가', appliesAtOnce: '바로 적용됩니다.', timeNow: '현재 시각:',
    usageOf: '{quota} 중 {used} 사용 ({pct}%)', usageUnlimited: '{used} 사용 (용량 제한 없음)',
    displayName: '이름', displayNameHint: '보내는 메일의 보낸사람에 {from}(으)로 표시됩니다.',
    recoveryEmail: '복구 Email', recoveryHint: '비밀번호를 잊었을 때 재설정 링크를 받을 다른 메일 주소입니다.',
    notifyNewMail: '새 메일이 오면 데스크톱 알림 보내기',
    firstFolder: '메일 첫 화면', listLayout: '목록/본문보기', perPageSetting: '페이지별 리스트 수', sendDelay: '발송 후 대기',
    seconds: '{n}초', sendAtOnce: '바로 보내기', sendDelayHint: '기다리는 동안 발송취소를 누르면 메일을 보내지 않습니다.',
    mailOptions: '메일 옵션', expandSendInfo: '발송 정보 펼쳐 보기', includeOriginal: '답장 시 원본 포함', saveSentSetting: '보낸 메일 저장',
    readReceiptsSetting: '수신확인기능 사용', autoAddContacts: '주소록에 없는 받는사람을 주소록에 자동 추가',
    forwarding: '메일 포워딩', forwardingHint: '받은 메일을 아래 주소로 함께 보냅니다.', forwardKeepCopy: '포워딩한 메일을 받은메일함에도 남기기',
    forwardSelf: '내 메일 주소로는 포워딩할 수 없습니다.',
    vacation: '부재중 응답', vacationOn: '부재중 응답 사용', vacationHint: '(같은 사람에게는 3일에 한 번, 메일링 리스트와 자동 발송 메일에는 보내지 않습니다)',
    vacationStart: '시작일', vacationEnd: '종료일', vacationBody: '응답 내용', vacationEndBeforeStart: '종료일이 시작일보다 앞설 수 없습니다.',
    signature: '서명', signatureOnNew: '새 메일에 서명 넣기', signatureOnReply: '답장·전달에 서명 넣기',
    messagesCount: '메일 수', countN: '{n}통', totalRow: '합계', backup: '백업', manage: '관리', purge: '기간별 삭제',
    backupHint: 'ZIP은 메일마다 .eml 파일이 들어 있어 아웃룩, 썬더버드에서 열 수 있습니다. MBOX는 썬더버드로 가져올 수 있습니다.',
    confirmDeleteFolderCount: '"{name}" 메일함과 그 안의 메일 {n}통을 모두 삭제할까요? 되돌릴 수 없습니다.',
    purgeTitle: '"{name}" 메일 삭제', purgePeriod: '삭제할 메일', purge1m: '1개월 이전 메일', purge3m: '3개월 이전 메일', purge6m: '6개월 이전 메일',
    purge12m: '12개월 이전 메일', purgeAll: '전체 메일', purgeCount: '"{name}"에서 메일 {n}통이 영구 삭제됩니다.', purged: '메일 {n}통을 삭제했습니다.',
    filtersHint: '위에서부터 차례로 적용됩니다. 끌어서 놓거나 화살표로 순서를 바꿉니다.', filtersNone: '메일분류 규칙이 없습니다.',
    filterNew: '새 규칙', filterEdit: '규칙 수정', filterName: '규칙 이름', filterUnnamed: '규칙 {n}', filterEnabled: '사용',
    filterConditions: '조건', filterMatch: '조건 일치 방식', matchAll: '모든 조건에 맞을 때', matchAny: '조건 중 하나라도 맞을 때', matchOr: '또는',
    filterField: '항목', filterOp: '비교', filterValue: '내용', filterAddCondition: '조건 추가', filterActions: '처리', filterActionType: '처리 방법',
    filterAddAction: '처리 추가', filterNeedsCondition: '조건을 하나 이상 넣으세요.', filterNeedsAction: '처리를 하나 이상 넣으세요.',
    field_from: '보낸사람 주소', field_to: '받는사람 주소', field_subject: '메일 제목', field_body: '메일 내용',
    op_contains: '포함', op_not_contains: '포함하지 않음',
    action_move: '메일함으로 이동', action_mark_read: '읽음으로 표시', action_forward: '전달', action_delete: '삭제',
    actionMoveTo: '{name}(으)로 이동', actionForwardTo: '{address}(으)로 전달',
    filterSaved: '규칙을 저장했습니다.', filterDeleted: '규칙을 삭제했습니다.', filterOn: '규칙을 켰습니다.', filterOff: '규칙을 껐습니다.',
    filterDeleteConfirm: '"{name}" 규칙을 삭제할까요?', moveUp: '위로', moveDown: '아래로',
    filterApply: '메일함에 적용', filterApplyTitle: '받은 메일에 규칙 적용', filterApplyText: '고른 메일함에 이미 있는 메일에 이 규칙을 적용합니다.',
    filterApplyNow: '저장 후 이미 받은 메일에도 적용', filterApplyNone: '적용하지 않음',
    jobRunning: '규칙 적용 중… {done} / {total}', jobDone: '규칙 적용을 마쳤습니다. ({done}통)', jobFailed: '규칙을 적용하지 못했습니다. {error}',
    filterApplied: '메일 {n}통에 규칙을 적용했습니다.',
    spamMethod: '스팸 차단 방법', spamPersonal: '직접차단', spamSystem: '시스템차단', spamBoth: '직접+시스템차단',
    spamAction: '스팸 메일 처리', spamMove: '스팸메일함으로 이동', spamDelete: '영구삭제', spamKeepDays: '스팸메일함 보관기간', days: '{n}일',
    blockedSenders: '차단주소', blockedSendersHint: '메일 주소나 도메인(example.com)을 넣으면 그 주소에서 온 메일은 스팸으로 처리됩니다.',
    blockedPhrases: '차단문구', blockedPhrasesHint: '메일 제목이나 내용에 이 문구가 있으면 스팸으로 처리됩니다.', blockedPhrasePlaceholder: '예: 광고, 대출',
    blockedSenderInvalid: '메일 주소나 도메인을 넣으세요.',
    useClients: '메일클라이언트 사용', clientsOn: '사용 (아웃룩, 스마트폰 등에서 접속 가능)', clientsOff: '사용 안 함 (웹메일만 사용)',
    useClientsHint: '끄면 IMAP, POP3, SMTP 로그인을 거부합니다. 웹메일은 그대로 쓸 수 있습니다.',
    pop3Delete: 'POP3에서 삭제하면', pop3Keep: '서버에 그대로 두기', pop3Trash: '휴지통으로 옮기기', pop3Remove: '서버에서도 삭제',
    pop3Hint: 'POP3는 받은메일함만 가져옵니다. IMAP은 모든 메일함이 웹메일과 같게 맞춰집니다.',
    serverInfo: '서버 정보', serverKind: '구분', incomingServer: '받는 메일 서버', outgoingServer: '보내는 메일 서버 (인증 필요)', protocol: '방식',
    hostName: '서버 이름', port: '포트', security: '보안 연결', securityNone: '없음', userNameLogin: '사용자 이름',
    clientPasswordIs: '웹메일 비밀번호', imapVsPop3: 'IMAP은 웹메일에서 만든 메일함까지 모두 맞춰지고, POP3는 받은메일함만 가져옵니다.',
    outlookStep1: '파일 > 계정 추가에서 "고급 옵션 > 수동 설정"을 고르고 IMAP을 선택합니다.', outlookStep4: '보내는 메일 서버(SMTP) 인증 필요에 체크합니다.',
    stepIncoming: '받는 메일 서버: {server}', stepOutgoing: '보내는 메일 서버: {server}', stepLogin: '사용자 이름은 전체 메일 주소, 비밀번호는 웹메일 비밀번호입니다.',
    iphoneStep1: 'iPhone의 Safari로 이 화면을 열고 프로필을 내려받습니다.', iphoneStep2: '설정 > 프로필이 다운로드됨에서 설치합니다.',
    iphoneStep3: '설치할 때 웹메일 비밀번호를 입력합니다. 프로필에는 비밀번호가 들어 있지 않습니다.', downloadProfile: '프로필 내려받기',
    androidStep1: 'Gmail 앱에서 계정 추가 > 기타를 고르고 메일 주소를 넣은 뒤 "개인(IMAP)"을 선택합니다.',
    passwordPolicy: '10자 이상으로, 메일 주소나 지금 비밀번호와 다르게 정하세요. 바꾸면 아웃룩과 스마트폰에도 새 비밀번호를 넣어야 합니다.',
    passwordCurrent: '현재 비밀번호', passwordNew: '새 비밀번호', passwordCurrentMissing: '현재 비밀번호를 넣으세요.', passwordNewMissing: '새 비밀번호를 넣으세요.',
    passwordChanged: '비밀번호를 바꿨습니다.', passwordChangedNote: '비밀번호를 바꿨습니다. 다른 곳에서 로그인한 웹메일은 로그아웃되었습니다.',
    accessHint: '최근 접속 기록입니다. 시각은 {zone} 기준입니다.', accessNone: '접속 기록이 없습니다.',
    accessTime: '접속 시간', accessIP: 'IP', accessPath: '접속경로', accessResult: '결과', loginOK: '성공', loginFailed: '실패',
    path_web: '웹메일', path_mobile: '모바일 웹', path_imap: 'IMAP', path_pop3: 'POP3', path_smtp: 'SMTP',
    forgotLink: '비밀번호를 잊으셨나요?', forgotTitle: '비밀번호 찾기', forgotSend: '재설정 링크 받기', backToLogin: '로그인으로 돌아가기',
    forgotHint: '메일 주소를 넣으면, 그 계정에 복구 Email이 등록되어 있을 때 비밀번호 재설정 링크를 보냅니다. 링크는 30분 동안 한 번만 쓸 수 있습니다.',
    forgotSent: '요청을 받았습니다. 복구 Email이 등록된 주소라면 곧 재설정 링크가 도착합니다. 메일이 오지 않으면 메일관리자에게 문의하세요.',
    resetTitle: '새 비밀번호 정하기', resetDone: '비밀번호를 바꿨습니다. 새 비밀번호로 로그인하세요.',
    // 주소록 (contacts*.js, compose-picker.js): the words of the glossary
    ctMine: '내 주소록', ctShared: '공용 주소록', ctAll: '전체 주소', ctAddFolder: '주소록 폴더 추가', ctFolderName: '폴더 이름', ctFolderAdded: '"{name}" 폴더를 만들었습니다.',
    ctFolder: '폴더', ctNoFolder: '(폴더 없음)', ctGroup: '그룹', ctGroups: '그룹', ctNoGroup: '(그룹 없음)', ctMove: '폴더로 이동',
    ctNew: '새 연락처', ctNewGroup: '새 그룹', ctEditGroup: '그룹 수정', ctDeleteGroup: '그룹 삭제', ctEdit: '연락처 수정', ctRestore: '복원',
    ctImport: '가져오기', ctExport: '내보내기', ctTemplate: '양식다운로드', ctSearch: '이름, 메일, 회사, 부서, 전화번호 검색', ctSearching: '"{q}" 검색 결과',
    ctTotal: '전체 {n}명', ctNone: '주소가 없습니다.', ctTrashEmpty: '휴지통이 비어 있습니다.', ctNoSelection: '연락처를 선택하세요.',
    ctNoAddresses: '선택한 연락처에 메일 주소가 없습니다.', ctTrashed: '연락처 {n}개를 휴지통으로 옮겼습니다.', ctRestored: '연락처 {n}개를 복원했습니다.',
    ctDeleted: '연락처 {n}개를 완전히 삭제했습니다.', ctMoved: '연락처 {n}개를 옮겼습니다.', ctConfirmDelete: '선택한 연락처 {n}개를 완전히 삭제할까요? 되돌릴 수 없습니다.',
    ctConfirmDeleteGroup: '"{name}" 그룹을 삭제할까요? 그룹에 든 연락처는 지워지지 않습니다.',
    ctName: '이름', ctLabel: '구분', ctLabel_mobile: '휴대폰', ctLabel_work: '회사', ctLabel_home: '집', ctLabel_fax: '팩스', ctLabel_other: '기타',
    ctAddEmail: '메일 주소 추가', ctPhone: '전화번호', ctAddPhone: '전화번호 추가', ctCompany: '회사', ctDepartment: '부서', ctPosition: '직위',
    ctAddress: '주소', ctMemo: '메모', ctBirthday: '생일', ctNeedNameOrEmail: '이름이나 메일 주소를 넣으세요.',
    ctSaved: '"{name}" 연락처를 저장했습니다.', ctAdded: '"{name}" 연락처를 추가했습니다.',
    ctGroupName: '그룹 이름', ctGroupNameMissing: '그룹 이름을 넣으세요.', ctGroupMembersHint: '목록에서 체크한 연락처가 그룹에 들어갑니다. 체크를 풀면 빠집니다.',
    ctGroupNoMembers: '목록에서 연락처를 체크한 뒤 그룹을 만들거나 수정하세요.', ctGroupAdded: '"{name}" 그룹을 만들었습니다 ({n}명).', ctGroupSaved: '"{name}" 그룹을 저장했습니다 ({n}명).',
    ctImportHint: 'CSV(엑셀, 아웃룩, 구글, 메일플러그, 이 웹메일) 또는 vCard 파일을 고르면 가져올 내용을 먼저 보여 줍니다. 한글 엑셀 파일(CP949)도 됩니다.',
    ctFile: '파일', ctBook: '주소록', ctReading: '파일을 읽는 중…', ctImporting: '가져오는 중…', ctFormat: '형식', ctEncoding: '문자 인코딩',
    ctColumns: '인식한 열', ctColumn: '파일의 열', ctField: '들어갈 항목', ctFieldIgnored: '(가져오지 않음)', ctFirstRows: '처음 {n}줄 미리보기',
    ctDuplicates: '이미 있는 주소 {n}개:', ctDupSkip: '건너뛰기', ctDupMerge: '합치기', ctImportN: '{n}개 가져오기',
    ctImported: '{n}개를 가져왔습니다.', ctMergedN: '{n}개를 합쳤습니다.', ctSkippedN: '{n}개를 건너뛰었습니다.', ctLineErrors: '가져오지 못한 줄 {n}개', ctLine: '{n}번째 줄',
    ctFormatCSV: 'CSV (이 웹메일 양식)', ctFormatOutlook: 'CSV (Microsoft Outlook)', ctFormatVCard: 'vCard (.vcf)', ctUTF8: 'UTF-8 (기본, 엑셀에서 열림)', ctCP949: 'CP949 (한글 윈도우)',
    ctField_name: '이름', ctField_first_name: '이름', ctField_last_name: '성', ctField_email: '메일 주소', ctField_email2: '메일 주소 2', ctField_email3: '메일 주소 3',
    ctField_phone_mobile: '휴대폰', ctField_phone_work: '회사 전화', ctField_phone_home: '집 전화', ctField_fax: '팩스', ctField_gphone1: '전화번호 1', ctField_gphone2: '전화번호 2',
    ctField_gphone3: '전화번호 3', ctField_company: '회사', ctField_department: '부서', ctField_position: '직위', ctField_address: '주소', ctField_memo: '메모',
    ctField_birthday: '생일', ctField_group: '그룹',
    ctReason_no_name_or_email: '이름과 메일 주소가 모두 없습니다', ctReason_invalid_email: '메일 주소가 올바르지 않습니다', ctReason_too_long: '너무 긴 값이 있습니다',
    ctReason_invalid_birthday: '생일 형식이 올바르지 않습니다', ctReason_invalid_date: '날짜 형식이 올바르지 않습니다', ctReason_malformed_row: '줄의 형식이 깨졌습니다',
    ctReason_too_many: '항목이 너무 많습니다', ctReason_not_in_book: '다른 주소록의 항목입니다',
    // the domain administrator's console (admin*.js)
    adConsole: '관리자', adDenied: '도메인 관리자만 볼 수 있는 화면입니다.',
    adMenu_users: '사용자 관리', adMenu_departments: '부서 관리', adMenu_lists: '메일링 리스트', adMenu_security: '보안 설정',
    adName: '이름', adEmail: '메일 주소', adDepartment: '부서', adUsage: '사용량', adLastLogin: '최근 로그인', adService: '서비스',
    adSearchUsers: '이름, 주소, 부서, 직위로 검색', adAddUser: '사용자 추가', adEditUser: '사용자 정보 수정', adTotal: '전체 {n}명',
    adAdminBadge: '관리자', adOn: 'ON', adOff: 'OFF', adNoUsers: '사용자가 없습니다.', adUnlimited: '무제한',
    adNewPassword: '새 비밀번호 (바꿀 때만)', adQuotaMB: '메일 용량 (MB, 0은 무제한)', adNoDepartment: '부서 없음', adPosition: '직위', adPhone: '전화번호',
    adServiceOn: '서비스 사용 (OFF면 로그인과 메일 수신이 막힙니다)', adAdminOn: '관리자 권한', adClientsOn: '메일 프로그램(IMAP/POP3/SMTP) 사용',
    adSave: '저장', adCancel: '취소', adDelete: '삭제', adSaved: '저장했습니다.', adUserCreated: '사용자를 추가했습니다.',
    adDeptAdd: '부서 추가', adDeptEdit: '부서 이름 바꾸기/옮기기', adDeptName: '부서 이름', adDeptParent: '상위 부서', adDeptTop: '(최상위)',
    adDeptDeleteConfirm: '"{name}" 부서를 삭제할까요? 소속 사용자는 부서 없음이 됩니다.', adNoDepartments: '부서가 없습니다.', adMembers: '{n}명',
    adListAdd: '메일링 리스트 추가', adListEdit: '메일링 리스트 수정', adListAddress: '리스트 주소', adListName: '리스트 이름', adListMembers: '구성원',
    adListMembersHint: '한 줄에 주소 하나', adListMembersOnly: '구성원만 보낼 수 있음', adListDeleteConfirm: '{name} 리스트를 삭제할까요?', adNoLists: '메일링 리스트가 없습니다.',
    adSecIPs: '접속 허용 IP', adSecIPsHint: '한 줄에 주소나 대역(CIDR) 하나. 비워 두면 모든 주소에서 접속할 수 있습니다. 관리자에게는 적용되지 않습니다.',
    adSecBlock: '접속 임시 차단', adSecBlockAll: '모든 사용자의 웹메일 접속 차단', adSecWindow: '접속 시간 제한', adSecWindowOn: '아래 시간에 웹메일 접속 차단',
    adSecFrom: '차단 시작', adSecTo: '차단 끝', adSecLogout: '자동 로그아웃', adSecLogoutMinutes: '사용하지 않은 지 몇 분 뒤 (0은 기본 8시간)',
    adSecPassword: '비밀번호 정책', adSecLevel: '복잡도',
    adSecLevel0: '기본 (사용자 10자 이상, 관리자가 정할 때 8자 이상)', adSecLevel1: '1단계: 8자 이상, 영문과 숫자 포함',
    adSecLevel2: '2단계: 10자 이상, 대문자·소문자·숫자·특수문자 중 3종류', adSecLevel3: '3단계: 12자 이상, 3종류, 아이디의 일부 포함 불가',
    adSecChangeDays: '변경 주기 (일, 0은 변경 요구 안 함)', adSecAllowLater: '"다음에 변경하기" 허용',
    adSecWatch: '로그인 감시', adSecWatchOn: '새 네트워크에서 로그인하면 관리자에게 메일로 알림', adSecWatchDays: '확인 기간 (일)', adSecWatchClass: '비교 범위',
    adSecClassA: 'A 클래스 (/8)', adSecClassB: 'B 클래스 (/16)', adSecClassC: 'C 클래스 (/24)',
    sourcePersonal: '내 주소록', sourceShared: '공용 주소록', sourceGroups: '그룹', pickerGroupMembers: '{n}명',
  },
  en: {
    appName: 'Postroom',
    email: 'E-mail address', password: 'Password', login: 'Log in', logout: 'Log out',
    loginTitle: 'Log in to mail', loginHint: 'Use your full e-mail address and mail password. The system operator logs in as operator.',
    sessionExpired: 'Your session has ended. Log in again to return where you were.',
    loggingIn: 'Logging in…',
    mail: 'Mail', contacts: 'Contacts', settings: 'Settings',
    inbox: 'Inbox', sent: 'Sent', drafts: 'Drafts', spam: 'Spam', trash: 'Trash', archive: 'Archive',
    myFolders: 'My folders', addFolder: 'Add folder', newFolderName: 'New folder name', parentFolder: 'Inside', noParent: '(top level)',
    renameFolder: 'Rename', deleteFolder: 'Delete folder', folderName: 'Folder name',
    confirmDeleteFolder: 'Delete the folder "{name}" and all its messages?',
    checkMail: 'Check new mail', unreadOnly: 'Unread', reply: 'Reply', replyAll: 'Reply all', forward: 'Forward', resend: 'Resend',
    reportSpam: 'Report spam', notSpam: 'Not spam', delete: 'Delete', deletePermanently: 'Delete permanently', more: 'More',
    conversation: 'Conversation view', markRead: 'Mark as read', markUnread: 'Mark as unread', star: 'Star', unstar: 'Remove star',
    move: 'Move', moveTo: 'Move to folder', download: 'Download (.eml)', print: 'Print', viewSource: 'View source', compose: 'Compose',
    confirmDeletePermanently: { one: 'Delete the selected message permanently? This cannot be undone.', other: 'Delete {n} selected messages permanently? This cannot be undone.' },
    ok: 'OK', cancel: 'Cancel', close: 'Close', selectAll: 'Select all',
    pageSelected: { one: 'The message on this page is selected.', other: 'All {n} messages on this page are selected.' },
    selectFolder: { one: 'Select the message in this folder', other: 'Select all {n} messages in this folder' },
    folderSelected: { one: 'The message in this folder is selected.', other: 'All {n} messages in this folder are selected.' }, clearSelection: 'Clear selection',
    noMessages: 'No messages.', noSelection: 'Select a message.', loading: 'Loading…',
    total: { one: '{n} message', other: '{n} messages' }, unread: '{n} unread', perPage: '{n} per page', prev: 'Previous', next: 'Next', page: '{page} / {pages}',
    from: 'From', to: 'To', cc: 'Cc', bcc: 'Bcc', date: 'Date', subject: 'Subject', replyTo: 'Reply-To',
    noSubject: '(no subject)', attachments: 'Attachments', showImages: 'Show images',
    imagesBlocked: { one: '{n} remote image was blocked for your safety.', other: '{n} remote images were blocked for your safety.' },
    brokenMime: 'This message is malformed; parts of it may not show.',
    senderInfo: 'Sender information', showDetails: 'Details', hideDetails: 'Less', andMore: 'and {n} more',
    search: 'Search mail', searchPlaceholder: 'Search mail', advancedSearch: 'Advanced search', searchResults: 'Results for "{q}"',
    searchResultsPlain: 'Search results', body: 'Body', since: 'From date', before: 'To date', hasAttachment: 'Has attachment',
    allFolders: 'All folders', doSearch: 'Search', clearSearch: 'Close search',
    moved: { one: 'Moved {n} message.', other: 'Moved {n} messages.' }, deleted: { one: 'Deleted {n} message.', other: 'Deleted {n} messages.' },
    markedSpam: { one: 'Moved {n} message to Spam.', other: 'Moved {n} messages to Spam.' },
    markedNotSpam: { one: 'Moved {n} message to the Inbox.', other: 'Moved {n} messages to the Inbox.' }, updated: { one: 'Updated {n} message.', other: 'Updated {n} messages.' },
    folderCreated: 'Folder "{name}" created.', folderDeleted: 'Folder deleted.', folderRenamed: 'Folder renamed.',
    newMail: { one: '{n} new message', other: '{n} new messages' }, newMailFrom: '{from}: {subject}',
    keyboard: 'Keyboard shortcuts', keyHelp: 'Keyboard shortcuts',
    keyJ: 'Next message', keyK: 'Previous message', keyU: 'Back to the list', keyHash: 'Delete', keySlash: 'Search', keyQuestion: 'This help',
    keyX: 'Select / unselect', keyEsc: 'Close, clear the selection', keyC: 'Compose', keyR: 'Reply', keyA: 'Reply all', keyF: 'Forward', keySend: 'Send (while writing)',
    keyOpen: 'Open the selected message', keySpam: 'Report spam', keyRead: 'Mark as read', keyUnread: 'Mark as unread', keyStar: 'Star / remove star', keyMove: 'Move to folder',
    layout: 'Layout', layoutSplit: 'Three panes', layoutList: 'List only', resizeList: 'Resize the list',
    notifications: 'Desktop notifications', notificationsOn: 'Desktop notifications on', notificationsOff: 'Desktop notifications off',
    notificationsDenied: 'The browser blocks notifications for this site.',
    language: 'Language', timeZone: 'Time zone', thisComputer: 'this computer', backToList: 'List', folders: 'Folders', offline: 'Cannot reach the server. Reconnecting…',
    usage: 'Usage', me: 'me', size: 'Size',
    today: 'Today', yesterday: 'Yesterday', sentAt: 'Sent: {date}',
    send: 'Send', scheduleSend: 'Schedule send', saveDraft: 'Save draft', discard: 'Discard', ccBcc: 'Cc/Bcc',
    scheduled: 'Scheduled', noScheduled: 'No scheduled messages.', edit: 'Edit', cancelSend: 'Cancel send',
    cancelScheduledConfirm: 'Cancel this scheduled send? The message stays in Drafts.', scheduleCancelled: 'Scheduled send cancelled. The message is in Drafts.',
    scheduleAt: 'Send at ({zone})', schedulePast: 'Choose a time in the future.', scheduledToast: 'Scheduled for {time}.',
    sentToast: 'Message sent.', sending: 'Sending in {n} s.', undo: 'Undo', sendUndone: 'Sending undone. You can edit the message again.',
    draftSaved: 'Draft saved at {time}', draftSavedToast: 'Saved to Drafts.',
    discardTitle: 'Cancel writing', discardSavedText: 'This message is saved in Drafts. Keep it there, or discard it? A discarded draft goes to Trash.',
    discardUnsavedText: 'Save what you wrote to Drafts, or discard it?',
    keepDraft: 'Keep in Drafts', discardDraft: 'Discard', keepWriting: 'Keep writing', draftDiscarded: 'The draft was moved to Trash.',
    noRecipients: 'Enter at least one recipient.', invalidAddresses: 'Some addresses are not valid. Correct the ones in red.',
    invalidAddress: 'Not a valid e-mail address', waitUploads: 'Attachments are still uploading. Send when they are done.',
    noSubjectConfirm: 'This message has no subject. Send it anyway?', addressBook: 'Choose from contacts', remove: 'Remove', noAddresses: 'No addresses.',
    sourceDirectory: 'Directory', sourceRecent: 'Recent recipients', searchAddresses: 'Search by name or address',
    quoteOriginal: 'Include the original', sendIndividually: 'Send individually', saveSent: 'Save to Sent', readReceipt: 'Read receipt', forwardAsAttachment: 'Forward as attachment',
    attachFiles: 'Attach files', dropHere: 'or drop files here', attachLimit: '{used} of {limit}',
    tooLarge: 'All attachments together may be at most {limit}.', uploadFailed: 'The file could not be uploaded.', uploadCancelled: 'Upload cancelled.',
    richText: 'Rich text', plainText: 'Plain text', formatting: 'Formatting', font: 'Font', fontSize: 'Size', color: 'Text colour',
    size_small: 'Small', size_normal: 'Normal', size_large: 'Large', 'size_x-large': 'Larger', 'size_xx-large': 'Largest',
    bold: 'Bold', italic: 'Italic', underline: 'Underline', strike: 'Strikethrough', bulletList: 'Bulleted list', numberList: 'Numbered list',
    alignLeft: 'Align left', alignCenter: 'Center', alignRight: 'Align right', link: 'Link', linkURL: 'Link address', insertImage: 'Insert image',
    quoteHeader: 'On {date}, {from} wrote:', forwardedMessage: 'Forwarded message',
    // the system operator's console (console.js)
    console: 'Administration', operatorRole: 'System operator', domains: 'Domains', accountsCount: { one: '{n} account', other: '{n} accounts' },
    consoleFirstTitle: 'Add your first domain', consoleChooseDomain: 'Choose a domain on the left',
    stepDomain: 'Add the company\'s mail domain (e.g. example.com).', stepAdmin: 'Create the domain\'s administrator, who adds and manages its users.',
    stepDNS: 'Publish the records of the DNS records tab in the domain\'s DNS to send and receive mail.',
    domainCreated: 'Domain {name} added.', domainPlaceholder: 'example.com', newDomain: 'New domain', addDomain: 'Add domain',
    adminsCount: { one: '{n} administrator', other: '{n} administrators' }, usedAmount: '{used} used', needsAdmin: 'This domain has no administrator yet. Create one first.',
    usersTab: 'Users', dnsTab: 'DNS records', passwordsDiffer: 'The passwords differ.',
    adminCreated: 'Administrator {email} created.', userCreated: 'User {email} created.',
    addFirstAdmin: 'Create the administrator', addUser: 'Add user', userId: 'ID', userName: 'Name', passwordRule: 'At least 8 characters',
    passwordConfirm: 'Confirm password', adminFlag: 'Administrator', noUsers: 'No users yet.', yes: 'Yes',
    dnsHint: 'Publish these records in the domain\'s DNS. The mail server is {host}.', copy: 'Copy', copied: 'Copied.',
    // Settings (settings*.js): the menu is the manual's ([Settings] 1–8)
    setGeneral: 'General', setMail: 'Mail', setFolders: 'Folder management', setFilters: 'Filter rules', setSpam: 'Spam settings',
    setServer: 'Mail server information', setPassword: 'Change password', setAccess: 'Access log',
    saveSettings: 'Save', resetSettings: 'Undo changes', settingsSaved: 'Settings saved.', unsavedShort: 'You have unsaved changes.',
    unsavedTitle: 'Unsaved changes', unsavedText: 'You have unsaved changes. Leave without saving them?',
    keepEditing: 'Keep editing', discardChanges: 'Leave without saving', loadFailed: 'Could not load this. Try again in a moment.', retry: 'Try again',
    add: 'Add', appliesAtOnce: 'Applies at once.', timeNow: 'Time now:',
    usageOf: '{used} of {quota} used ({pct}%)', usageUnlimited: '{used} used (no quota)',
    displayName: 'Name', displayNameHint: 'Your mail is sent from {from}.',
    recoveryEmail: 'Recovery e-mail', recoveryHint: 'Another address that gets a reset link when you forget your password.',
    notifyNewMail: 'Show a desktop notification for new mail',
    firstFolder: 'First folder shown', listLayout: 'Layout', perPageSetting: 'Messages per page', sendDelay: 'Delay before sending',
    seconds: { one: '{n} second', other: '{n} seconds' }, sendAtOnce: 'Send at once', sendDelayHint: 'While it waits, Undo keeps the message from going.',
    mailOptions: 'Options', expandSendInfo: 'Show sending information expanded', includeOriginal: 'Include the original when replying', saveSentSetting: 'Save sent mail',
    readReceiptsSetting: 'Use read receipts', autoAddContacts: 'Add unknown recipients to contacts automatically',
    forwarding: 'Forwarding', forwardingHint: 'Incoming mail is also sent to these addresses.', forwardKeepCopy: 'Keep a copy in the Inbox',
    forwardSelf: 'You cannot forward to your own address.',
    vacation: 'Out-of-office reply', vacationOn: 'Send an out-of-office reply', vacationHint: '(at most once every 3 days to the same sender; never to lists or automatic mail)',
    vacationStart: 'From', vacationEnd: 'Until', vacationBody: 'Reply text', vacationEndBeforeStart: 'The end cannot be before the start.',
    signature: 'Signature', signatureOnNew: 'Add to new messages', signatureOnReply: 'Add to replies and forwards',
    messagesCount: 'Messages', countN: { one: '{n} message', other: '{n} messages' }, totalRow: 'Total', backup: 'Backup', manage: 'Manage', purge: 'Delete old mail',
    backupHint: 'The ZIP holds one .eml file per message, which Outlook and Thunderbird open. Thunderbird imports the MBOX.',
    confirmDeleteFolderCount: { one: 'Delete the folder "{name}" and its {n} message? This cannot be undone.', other: 'Delete the folder "{name}" and its {n} messages? This cannot be undone.' },
    purgeTitle: 'Delete mail of "{name}"', purgePeriod: 'Delete', purge1m: 'Older than 1 month', purge3m: 'Older than 3 months', purge6m: 'Older than 6 months',
    purge12m: 'Older than 12 months', purgeAll: 'All messages', purgeCount: { one: '{n} message of "{name}" will be deleted for good.', other: '{n} messages of "{name}" will be deleted for good.' },
    purged: { one: 'Deleted {n} message.', other: 'Deleted {n} messages.' },
    filtersHint: 'Rules apply from the top down. Drag a rule or use the arrows to change the order.', filtersNone: 'No filter rules.',
    filterNew: 'New rule', filterEdit: 'Edit rule', filterName: 'Rule name', filterUnnamed: 'Rule {n}', filterEnabled: 'On',
    filterConditions: 'Conditions', filterMatch: 'Match', matchAll: 'When all conditions match', matchAny: 'When any condition matches', matchOr: 'or',
    filterField: 'Field', filterOp: 'Comparison', filterValue: 'Text', filterAddCondition: 'Add condition', filterActions: 'Actions', filterActionType: 'Action',
    filterAddAction: 'Add action', filterNeedsCondition: 'Add at least one condition.', filterNeedsAction: 'Add at least one action.',
    field_from: 'Sender address', field_to: 'Recipient address', field_subject: 'Subject', field_body: 'Message text',
    op_contains: 'contains', op_not_contains: 'does not contain',
    action_move: 'Move to folder', action_mark_read: 'Mark as read', action_forward: 'Forward', action_delete: 'Delete',
    actionMoveTo: 'move to {name}', actionForwardTo: 'forward to {address}',
    filterSaved: 'Rule saved.', filterDeleted: 'Rule deleted.', filterOn: 'Rule turned on.', filterOff: 'Rule turned off.',
    filterDeleteConfirm: 'Delete the rule "{name}"?', moveUp: 'Move up', moveDown: 'Move down',
    filterApply: 'Apply to a folder', filterApplyTitle: 'Apply the rule to received mail', filterApplyText: 'The rule runs over the mail already in the folder you choose.',
    filterApplyNow: 'After saving, also apply to mail in', filterApplyNone: 'Do not apply',
    jobRunning: 'Applying the rule… {done} of {total}', jobDone: 'The rule was applied ({done} messages).', jobFailed: 'The rule could not be applied. {error}',
    filterApplied: { one: 'The rule was applied to {n} message.', other: 'The rule was applied to {n} messages.' },
    spamMethod: 'Blocking method', spamPersonal: 'My lists', spamSystem: 'System filter', spamBoth: 'My lists and the system filter',
    spamAction: 'Spam goes', spamMove: 'to the Spam folder', spamDelete: 'away (deleted at once)', spamKeepDays: 'Spam folder keeps mail for', days: { one: '{n} day', other: '{n} days' },
    blockedSenders: 'Blocked addresses', blockedSendersHint: 'Mail from these addresses or domains (example.com) is treated as spam.',
    blockedPhrases: 'Blocked phrases', blockedPhrasesHint: 'Mail whose subject or text holds one of these phrases is treated as spam.', blockedPhrasePlaceholder: 'e.g. free offer',
    blockedSenderInvalid: 'Enter an e-mail address or a domain.',
    useClients: 'Use mail clients', clientsOn: 'On (Outlook, phones and other programs may log in)', clientsOff: 'Off (webmail only)',
    useClientsHint: 'Off refuses IMAP, POP3 and SMTP logins. The webmail works as before.',
    pop3Delete: 'When a POP3 client deletes', pop3Keep: 'Keep the message on the server', pop3Trash: 'Move it to Trash', pop3Remove: 'Delete it on the server too',
    pop3Hint: 'POP3 reads the Inbox only; IMAP keeps every folder the same as the webmail.',
    serverInfo: 'Server settings', serverKind: 'Server', incomingServer: 'Incoming mail', outgoingServer: 'Outgoing mail (authentication required)', protocol: 'Protocol',
    hostName: 'Host name', port: 'Port', security: 'Security', securityNone: 'None', userNameLogin: 'User name',
    clientPasswordIs: 'Your webmail password', imapVsPop3: 'IMAP keeps every folder in step with the webmail; POP3 downloads the Inbox only.',
    outlookStep1: 'File > Add account, then "Advanced options > Set up manually", and choose IMAP.', outlookStep4: 'Tick "My outgoing server (SMTP) requires authentication".',
    stepIncoming: 'Incoming server: {server}', stepOutgoing: 'Outgoing server: {server}', stepLogin: 'The user name is your full e-mail address; the password is your webmail password.',
    iphoneStep1: 'Open this page in Safari on the iPhone and download the profile.', iphoneStep2: 'Install it in Settings > Profile Downloaded.',
    iphoneStep3: 'Enter your webmail password while installing: the profile holds no password.', downloadProfile: 'Download profile',
    androidStep1: 'In the Gmail app: Add account > Other, enter your address and choose "Personal (IMAP)".',
    passwordPolicy: 'Use at least 10 characters, different from your address and your current password. Enter the new one in Outlook and on your phone too.',
    passwordCurrent: 'Current password', passwordNew: 'New password', passwordCurrentMissing: 'Enter your current password.', passwordNewMissing: 'Enter a new password.',
    passwordChanged: 'Password changed.', passwordChangedNote: 'Password changed. Your webmail sessions elsewhere were logged out.',
    accessHint: 'Recent logins. Times are in {zone}.', accessNone: 'No logins yet.',
    accessTime: 'Time', accessIP: 'IP address', accessPath: 'Path', accessResult: 'Result', loginOK: 'Succeeded', loginFailed: 'Failed',
    path_web: 'Webmail', path_mobile: 'Mobile web', path_imap: 'IMAP', path_pop3: 'POP3', path_smtp: 'SMTP',
    forgotLink: 'Forgot your password?', forgotTitle: 'Forgotten password', forgotSend: 'Send me a reset link', backToLogin: 'Back to login',
    forgotHint: 'Enter your address: when the account has a recovery e-mail, a reset link goes there. The link works once, for 30 minutes.',
    forgotSent: 'Request received. If the address has a recovery e-mail, a reset link arrives there shortly. If none comes, ask your mail administrator.',
    resetTitle: 'Choose a new password', resetDone: 'Your password was changed. Log in with the new one.',
    // Contacts (contacts*.js, compose-picker.js)
    ctMine: 'My contacts', ctShared: 'Shared contacts', ctAll: 'All contacts', ctAddFolder: 'Add contacts folder', ctFolderName: 'Folder name', ctFolderAdded: 'Folder "{name}" created.',
    ctFolder: 'Folder', ctNoFolder: '(no folder)', ctGroup: 'Group', ctGroups: 'Groups', ctNoGroup: '(no group)', ctMove: 'Move to folder',
    ctNew: 'New contact', ctNewGroup: 'New group', ctEditGroup: 'Edit group', ctDeleteGroup: 'Delete group', ctEdit: 'Edit contact', ctRestore: 'Restore',
    ctImport: 'Import', ctExport: 'Export', ctTemplate: 'Download template', ctSearch: 'Search name, e-mail, company, department, phone', ctSearching: 'Results for "{q}"',
    ctTotal: { one: '{n} contact', other: '{n} contacts' }, ctNone: 'No contacts.', ctTrashEmpty: 'The trash is empty.', ctNoSelection: 'Select contacts first.',
    ctNoAddresses: 'The selected contacts have no e-mail address.', ctTrashed: { one: '{n} contact moved to the trash.', other: '{n} contacts moved to the trash.' },
    ctRestored: { one: '{n} contact restored.', other: '{n} contacts restored.' },
    ctDeleted: { one: '{n} contact deleted permanently.', other: '{n} contacts deleted permanently.' }, ctMoved: { one: '{n} contact moved.', other: '{n} contacts moved.' },
    ctConfirmDelete: { one: 'Delete the selected contact permanently? This cannot be undone.', other: 'Delete the {n} selected contacts permanently? This cannot be undone.' },
    ctConfirmDeleteGroup: 'Delete the group "{name}"? Its contacts are kept.',
    ctName: 'Name', ctLabel: 'Label', ctLabel_mobile: 'Mobile', ctLabel_work: 'Work', ctLabel_home: 'Home', ctLabel_fax: 'Fax', ctLabel_other: 'Other',
    ctAddEmail: 'Add an e-mail address', ctPhone: 'Phone', ctAddPhone: 'Add a phone number', ctCompany: 'Company', ctDepartment: 'Department', ctPosition: 'Position',
    ctAddress: 'Address', ctMemo: 'Notes', ctBirthday: 'Birthday', ctNeedNameOrEmail: 'Enter a name or an e-mail address.',
    ctSaved: 'Contact "{name}" saved.', ctAdded: 'Contact "{name}" added.',
    ctGroupName: 'Group name', ctGroupNameMissing: 'Enter a group name.', ctGroupMembersHint: 'The contacts checked in the list join the group; uncheck one to leave it out.',
    ctGroupNoMembers: 'Check contacts in the list, then make or edit the group.',
    ctGroupAdded: { one: 'Group "{name}" created ({n} member).', other: 'Group "{name}" created ({n} members).' },
    ctGroupSaved: { one: 'Group "{name}" saved ({n} member).', other: 'Group "{name}" saved ({n} members).' },
    ctImportHint: 'Choose a CSV file (Excel, Outlook, Google, Mailplug, this webmail) or a vCard file: what will be imported is shown first. Korean Excel files (CP949) work too.',
    ctFile: 'File', ctBook: 'Address book', ctReading: 'Reading the file…', ctImporting: 'Importing…', ctFormat: 'Format', ctEncoding: 'Character set',
    ctColumns: 'Columns recognised', ctColumn: 'Column in the file', ctField: 'Goes into', ctFieldIgnored: '(not imported)', ctFirstRows: 'Preview of the first {n} rows',
    ctDuplicates: { one: '{n} already in the address book:', other: '{n} already in the address book:' }, ctDupSkip: 'Skip', ctDupMerge: 'Merge',
    ctImportN: { one: 'Import {n} contact', other: 'Import {n} contacts' },
    ctImported: { one: '{n} contact imported.', other: '{n} contacts imported.' }, ctMergedN: '{n} merged.', ctSkippedN: '{n} skipped.',
    ctLineErrors: { one: '{n} line not imported', other: '{n} lines not imported' }, ctLine: 'Line {n}',
    ctFormatCSV: 'CSV (this webmail\'s layout)', ctFormatOutlook: 'CSV (Microsoft Outlook)', ctFormatVCard: 'vCard (.vcf)', ctUTF8: 'UTF-8 (default, opens in Excel)', ctCP949: 'CP949 (Korean Windows)',
    ctField_name: 'Name', ctField_first_name: 'First name', ctField_last_name: 'Last name', ctField_email: 'E-mail', ctField_email2: 'E-mail 2', ctField_email3: 'E-mail 3',
    ctField_phone_mobile: 'Mobile phone', ctField_phone_work: 'Work phone', ctField_phone_home: 'Home phone', ctField_fax: 'Fax', ctField_gphone1: 'Phone 1', ctField_gphone2: 'Phone 2',
    ctField_gphone3: 'Phone 3', ctField_company: 'Company', ctField_department: 'Department', ctField_position: 'Position', ctField_address: 'Address', ctField_memo: 'Notes',
    ctField_birthday: 'Birthday', ctField_group: 'Group',
    ctReason_no_name_or_email: 'neither a name nor an e-mail address', ctReason_invalid_email: 'the e-mail address is not valid', ctReason_too_long: 'a value is too long',
    ctReason_invalid_birthday: 'the birthday is not a date', ctReason_invalid_date: 'a date is not valid', ctReason_malformed_row: 'the line is malformed',
    ctReason_too_many: 'too many values', ctReason_not_in_book: 'it belongs to another address book',
    // the domain administrator's console (admin*.js)
    adConsole: 'Admin', adDenied: 'Only the domain\'s administrators can see this screen.',
    adMenu_users: 'Users', adMenu_departments: 'Departments', adMenu_lists: 'Mailing lists', adMenu_security: 'Security',
    adName: 'Name', adEmail: 'E-mail address', adDepartment: 'Department', adUsage: 'Usage', adLastLogin: 'Last login', adService: 'Service',
    adSearchUsers: 'Search by name, address, department or position', adAddUser: 'Add a user', adEditUser: 'Edit the user', adTotal: { one: '{n} user', other: '{n} users' },
    adAdminBadge: 'admin', adOn: 'ON', adOff: 'OFF', adNoUsers: 'No users.', adUnlimited: 'unlimited',
    adNewPassword: 'New password (only to change it)', adQuotaMB: 'Mailbox quota (MB, 0 unlimited)', adNoDepartment: 'No department', adPosition: 'Position', adPhone: 'Phone',
    adServiceOn: 'Service (OFF refuses logins and incoming mail)', adAdminOn: 'Administrator', adClientsOn: 'Mail clients (IMAP/POP3/SMTP)',
    adSave: 'Save', adCancel: 'Cancel', adDelete: 'Delete', adSaved: 'Saved.', adUserCreated: 'User added.',
    adDeptAdd: 'Add a department', adDeptEdit: 'Rename or move the department', adDeptName: 'Department name', adDeptParent: 'Parent department', adDeptTop: '(top level)',
    adDeptDeleteConfirm: 'Delete the department "{name}"? Its people stay, in no department.', adNoDepartments: 'No departments.', adMembers: { one: '{n} member', other: '{n} members' },
    adListAdd: 'Add a mailing list', adListEdit: 'Edit the mailing list', adListAddress: 'List address', adListName: 'List name', adListMembers: 'Members',
    adListMembersHint: 'One address a line', adListMembersOnly: 'Members only may send', adListDeleteConfirm: 'Delete the list {name}?', adNoLists: 'No mailing lists.',
    adSecIPs: 'Allowed IP addresses', adSecIPsHint: 'One address or network (CIDR) a line. Empty: any address. Administrators are never refused.',
    adSecBlock: 'Temporary block', adSecBlockAll: 'Block every user\'s webmail', adSecWindow: 'Access hours', adSecWindowOn: 'Refuse the webmail during these hours',
    adSecFrom: 'From', adSecTo: 'To', adSecLogout: 'Auto logout', adSecLogoutMinutes: 'Minutes unused (0: the default 8 hours)',
    adSecPassword: 'Password policy', adSecLevel: 'Complexity',
    adSecLevel0: 'Default (10+ characters; 8+ when an administrator sets it)', adSecLevel1: 'Level 1: 8+ characters with letters and digits',
    adSecLevel2: 'Level 2: 10+ characters of three classes (upper, lower, digits, others)', adSecLevel3: 'Level 3: 12+ characters of three classes, no part of the ID',
    adSecChangeDays: 'Change every (days, 0 never)', adSecAllowLater: 'Allow "change later"',
    adSecWatch: 'Login watch', adSecWatchOn: 'Mail the administrators when a login comes from a new network', adSecWatchDays: 'Days looked back', adSecWatchClass: 'Compared part',
    adSecClassA: 'Class A (/8)', adSecClassB: 'Class B (/16)', adSecClassC: 'Class C (/24)',
    sourcePersonal: 'My contacts', sourceShared: 'Shared contacts', sourceGroups: 'Groups', pickerGroupMembers: { one: '{n} member', other: '{n} members' },
  },
};

let lang = 'ko';
let zone = 'Asia/Seoul';

// langKey keeps the language last shown in this browser, for the login
// page after a logout or a closed tab (browserLang).
const langKey = 'postroom.lang';

export function setLocale(language, timeZone) {
  lang = catalogues[language] ? language : 'ko';
  try {
    localStorage.setItem(langKey, lang);
  } catch {
    // private mode: the browser's language next time
  }
  if (timeZone) {
    try {
      new Intl.DateTimeFormat('en', { timeZone });
      zone = timeZone;
    } catch {
      zone = 'UTC';
    }
  }
  document.documentElement.lang = lang;
}

export function currentLang() {
  return lang;
}

// t returns the text of key in the current language, with {name} filled
// from vars (numbers written the language's way: 1,234). A text with
// plural forms ({one, other}: English has them, Korean does not) is
// chosen by vars.n.
export function t(key, vars) {
  let s = catalogues[lang][key] ?? catalogues.en[key] ?? key;
  if (typeof s === 'object') s = s[new Intl.PluralRules(locale()).select(Number(vars?.n))] ?? s.other;
  if (vars) {
    for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, typeof v === 'number' ? v.toLocaleString(locale()) : String(v));
  }
  return s;
}

function locale() {
  return lang === 'ko' ? 'ko-KR' : 'en-US';
}

// The language when nobody is logged in: the one this browser showed last
// (the user's choice survives a logout), else the browser's.
export function browserLang() {
  try {
    const last = localStorage.getItem(langKey);
    if (catalogues[last]) return last;
  } catch {
    // private mode
  }
  return (navigator.language || 'ko').toLowerCase().startsWith('en') ? 'en' : 'ko';
}

function parts(date) {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return f.format(date);
}

// shortDate is the list's date: the time today, the month and day this
// year, the full date before; always in the user's time zone.
export function shortDate(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return '';
  const now = new Date();
  const loc = lang === 'ko' ? 'ko-KR' : 'en-GB';
  if (parts(d) === parts(now)) {
    return new Intl.DateTimeFormat(loc, { timeZone: zone, hour: '2-digit', minute: '2-digit' }).format(d);
  }
  const sameYear = parts(d).slice(0, 4) === parts(now).slice(0, 4);
  const opts = sameYear ? { month: 'short', day: 'numeric' } : { year: 'numeric', month: '2-digit', day: '2-digit' };
  return new Intl.DateTimeFormat(loc, { timeZone: zone, ...opts }).format(d);
}

// longDate is the reading pane's date with weekday and time.
export function longDate(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return '';
  return new Intl.DateTimeFormat(lang === 'ko' ? 'ko-KR' : 'en-GB', {
    timeZone: zone, year: 'numeric', month: 'long', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit',
  }).format(d);
}

export function size(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(1)} GB`;
}

// folderName is what the tree shows: standard folders in the user's
// language, user folders by their last path element.
export function folderName(mb) {
  if (mb.role && catalogues.ko[mb.role]) return t(mb.role);
  const i = mb.name.lastIndexOf('/');
  return i >= 0 ? mb.name.slice(i + 1) : mb.name;
}
