# Writes fuzz/seeds/ from tests/fixtures/ and the shipped banks; run from the repository root:
#   rm -rf fuzz/seeds && python3 fuzz/make_seeds.py
import os, zipfile, io, json
F='tests/fixtures'; S='fuzz/seeds'
def put(target, name, data):
    d=os.path.join(S,target); os.makedirs(d,exist_ok=True)
    open(os.path.join(d,name),'wb').write(data)
def rd(p): return open(p,'rb').read()
def stored(xlsx):
    try: src=zipfile.ZipFile(io.BytesIO(xlsx))
    except zipfile.BadZipFile: return None
    out=io.BytesIO()
    with zipfile.ZipFile(out,'w',zipfile.ZIP_STORED) as z:
        for i in src.infolist(): z.writestr(i.filename, src.read(i.filename))
    return out.getvalue()
def utf16(b, bom=True, be=False):
    t=b.decode('utf-8-sig'); enc='utf-16-be' if be else 'utf-16-le'
    return (((b'\xfe\xff' if be else b'\xff\xfe') if bom else b'')+t.encode(enc))
def xlsx(rows):
    # A minimal workbook of inline strings, stored uncompressed so that mutations reach the XML.
    from xml.sax.saxutils import escape
    def cell(r,c,v):
        col=''; n=c+1
        while n: n,rem=divmod(n-1,26); col=chr(65+rem)+col
        return f'<c r="{col}{r+1}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
    sheet='<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'+''.join(f'<row r="{r+1}">'+''.join(cell(r,c,v) for c,v in enumerate(row) if v!='')+'</row>' for r,row in enumerate(rows))+'</sheetData></worksheet>'
    files={
     '[Content_Types].xml':'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
     '_rels/.rels':'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
     'xl/workbook.xml':'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
     'xl/_rels/workbook.xml.rels':'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
     'xl/worksheets/sheet1.xml':sheet}
    out=io.BytesIO()
    with zipfile.ZipFile(out,'w',zipfile.ZIP_STORED) as z:
        for k,v in files.items(): z.writestr(k,v)
    return out.getvalue()
def csv(rows): return ('\n'.join(','.join(r) for r in rows)+'\n').encode()

# bank_read: the first byte picks the name: 0 .csv 1 .tsv 2 .txt 3 .md 4 .json 5 .xlsx 6 (none)
B=F+'/banks'
for f in sorted(os.listdir(B)):
    b=rd(os.path.join(B,f)); ext=f.rsplit('.',1)[1]
    put('bank_read', f, bytes([{'csv':0,'txt':2,'json':4,'xlsx':5}[ext]])+b)
    if ext in('csv','txt','json') and b: put('bank_read','detect_'+f, bytes([6])+b)
small=b'\xef\xbb\xbf'+'\n'.join(rd('question-banks/宪法.csv').decode('utf-8-sig').splitlines()[:12]).encode()+b'\n'
put('bank_read','constitution_head.csv', bytes([0])+small)
put('bank_read','constitution_head_utf16le_bom.csv', bytes([0])+utf16(small))
put('bank_read','constitution_head_utf16be_bom.csv', bytes([0])+utf16(small,be=True))
put('bank_read','constitution_head_utf16le_nobom.csv', bytes([0])+utf16(small,bom=False))
put('bank_read','constitution_head_gbk_named.csv', bytes([0xc0])+small.decode('utf-8-sig').encode('gb18030'))
put('bank_read','constitution_head.tsv', bytes([1])+small.decode('utf-8-sig').replace(',','\t').encode())
put('bank_read','pasted.md', bytes([3])+rd(B+'/pasted.txt'))
put('bank_read','constitution.csv', bytes([0])+rd('question-banks/宪法.csv'))
put('bank_read','title_row_stored.xlsx', bytes([5])+stored(rd(B+'/title_row.xlsx')))
# bank_xlsx: the bytes alone.
for d in ('banks','rosters','study'):
    for f in sorted(os.listdir(F+'/'+d)):
        if f.endswith('.xlsx'):
            b=rd(F+'/'+d+'/'+f); put('bank_xlsx',f,b)
            s=stored(b)
            if s: put('bank_xlsx','stored_'+f,s)
# Crashes the fuzzer found, kept as seeds as well as regression tests.
overflow=rd('crates/xuefa-core/tests/fixtures/cell_reference_overflow.xlsx')
put('bank_xlsx','cell_reference_overflow.xlsx', overflow)
put('bank_read','cell_reference_overflow.xlsx', bytes([5])+overflow)
put('bank_xlsx','bank_inline.xlsx', xlsx([l.split(',') for l in small.decode('utf-8-sig').splitlines()[:6]]))
put('bank_xlsx','roster_inline.xlsx', xlsx([['工号','姓名','部门'],['A1','甲一','局/甲科'],['B1','乙一','局/乙科']]))
# decode: the first byte picks the label (0 detect, 4 gbk, 5 utf-16be, 6 " UTF-8 ").
put('decode','utf8', bytes([0])+'宪法第一条'.encode())
put('decode','bom', bytes([0])+b'\xef\xbb\xbfabc')
put('decode','gbk', bytes([0])+rd(B+'/gbk_no_bom.csv'))
put('decode','gbk_named', bytes([4])+rd(F+'/rosters/roster_gbk.csv'))
put('decode','utf16le_nobom', bytes([0])+utf16(b'a,b\n1,2\n',bom=False))
put('decode','utf16be_nobom', bytes([0])+utf16(b'a,b\n1,2\n',bom=False,be=True))
put('decode','utf16be_named', bytes([5])+utf16('题干,答案\n'.encode(),bom=False,be=True))
put('decode','utf16le_bom', bytes([0])+utf16('题干,答案\n'.encode()))
put('decode','binary', bytes([0])+rd(B+'/binary.csv')[:256])
# roster: 0 .csv 1 .tsv 2 .xlsx 3 (none)
R=F+'/rosters'
for f in sorted(os.listdir(R)):
    put('roster', f, bytes([2 if f.endswith('xlsx') else 0])+rd(R+'/'+f))
later=rd(R+'/roster_later.csv')
put('roster','later.tsv', bytes([1])+later.decode('utf-8-sig').replace(',','\t').encode())
put('roster','later_utf16.csv', bytes([0])+utf16(later))
put('roster','later_detect', bytes([3])+later)
put('roster','roster_inline.xlsx', bytes([2])+xlsx([l.split(',') for l in later.decode('utf-8-sig').splitlines()]))
# named_table: 0 .csv 1 .tsv 2 .xlsx
T=F+'/study'
for f in sorted(os.listdir(T)):
    put('named_table', f, bytes([2 if f.endswith('xlsx') else 0])+rd(T+'/'+f))
put('named_table','sheet_wide.csv', bytes([0])+csv([['编号','日期','主题','第1题'],['S1','2026-02-10','宪法','A']]))
# sessions: 0 .csv 1 .tsv 2 .xlsx 3 (none)
sess=rd(T+'/sessions.csv')
put('sessions','sessions.csv', bytes([0])+sess)
put('sessions','sessions_gbk.csv', bytes([0])+sess.decode('utf-8-sig').encode('gb18030'))
put('sessions','sessions.tsv', bytes([1])+sess.decode('utf-8-sig').replace(',','\t').encode())
put('sessions','sessions_inline.xlsx', bytes([2])+xlsx([l.split(',') for l in sess.decode('utf-8-sig').splitlines()]))
put('sessions','custom_kind.csv', bytes([0])+csv([['日期','类型','主题','学时','参加部门','参加对象','人数'],['2026-05-01','模拟法庭','宪法','1.5','局/甲科；局/乙科','leader','12'],['2026年5月2日','moot','宪法二','2','','','']]))
# signin: 0 .csv 1 .tsv 2 .xlsx; the office has sessions S1 (2026-03-01 宪法学习) and S2 (2026-04-01 民法典)
for f in ('signin_names.csv','signin_leaders_gbk.csv','online.csv','signin_spring.xlsx'):
    put('signin', f, bytes([2 if f.endswith('xlsx') else 0])+rd(T+'/'+f))
good=[['场次','日期','主题','工号','姓名','签到','学时'],['S1','','','A1','','出席',''],['','2026-03-01','宪法学习','','乙一','迟到','1'],['','2026-04-01','','','甲二','请假',''],['S2','','','','甲三','缺席',''],['S2','','','A1','','早退','0.5']]
put('signin','office.csv', bytes([0])+csv(good))
put('signin','office_gbk.csv', bytes([0])+csv(good).decode().encode('gb18030'))
put('signin','office_inline.xlsx', bytes([2])+xlsx(good))
# answer_sheets: the exam t has 10 questions (3 single, 3 multiple, 4 judge) and two attempts.
long=[['工号','题号','答案','次数']]+[['A1',str(n),a,'1'] for n,a in zip(range(1,11),['A','B','C','AB','ABC','BD','√','×','对','错'])]
put('answer_sheets','long.csv', bytes([0])+csv(long))
wide=[['工号']+[f'第{n}题' for n in range(1,11)],['A1','A','B','C','AB','ABC','BD','T','F','对','错'],['A2','b','','d','a,c','','','','','','']]
put('answer_sheets','wide.csv', bytes([0])+csv(wide))
put('answer_sheets','wide_numbers.tsv', bytes([1])+('\n'.join('\t'.join(r) for r in [['employee','attempt']+[str(n) for n in range(1,11)],['B1','2','A','A','A','A','A','A','T','T','T','T']])+'\n').encode())
put('answer_sheets','wide_inline.xlsx', bytes([2])+xlsx(wide))
put('answer_sheets','long_gbk.csv', bytes([0])+csv(long).decode().encode('gb18030'))
# blueprint
put('blueprint','office.toml', 'id = "t2"\ntitle = "测试"\nyear = 2026\nduration_minutes = 30\npass_mark = 50\nattempts = 2\n[[sections]]\nkind = "single"\ncount = 3\npoints = 10\n[[sections]]\nkind = "judge"\ncount = 4\npoints = 10\n'.encode())
if os.path.exists('bench/data/serve/quick/exam.toml'): put('blueprint','bench_serve.toml', rd('bench/data/serve/quick/exam.toml'))
# answers_file
put('answers_file','ids.json', json.dumps({"XF-001":"B","宪法:XF-002":"T","XF-003":"AC","XF-040":"对"},ensure_ascii=False).encode())
put('answers_file','twice.json', b'{"XF-001":"A","XF-001":"B","nope":1}')
put('answers_file','empty.json', b'{}')
# response: the first byte: kind = b % 3 (0 single, 1 multiple, 2 judge), options = (b / 3) % 10
for i,(b,t) in enumerate([(12,'A'),(13,'A, C'),(13,'ＡＣ'),(14,'对'),(14,'×'),(14,'T'),(13,'abd'),(12,'A、')]):
    put('response',f'r{i}', bytes([b])+t.encode())
# config
if os.path.exists('bench/data/serve/quick/ws/xuefa.toml'): put('config','xuefa.toml', rd('bench/data/serve/quick/ws/xuefa.toml'))
put('config','minimal.toml', b'[office]\nutc_offset = "+08:00"\n')
# server_bodies
for i,b in enumerate([b'{"employee":"A1","code":"ABCD-1234"}', b'{"answer":"AC","flagged":true}', b'{"answer":null}', b'{"flagged":false}', b'{"answer":"\\u5bf9"}']):
    put('server_bodies',f'b{i}.json', b)
