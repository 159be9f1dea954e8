"""
A synthetic corpus of realistic reports, for benchmarks (search, lists, feeds) at scale.

`ensure_pool()` creates, once, the entities reports draw on: series, countries, ~60
organizations, ~150 people, ~40 outlets, each with the transliterations the sources use, and ~200
tags. The pool is the same on every run and every machine; what already exists (by slug, or by
name for tags) is reused, so the demo desk and the corpus share Hizbullah, Al-Akhbar and the rest.

`generate_corpus(count, seed=…)` then writes `count` reports in batches, each batch in one
transaction with its footnotes, quotes, tags and linked entities, and has `reports.search.engine`
compute their search documents. A seed gives the same reports (titles, texts, links, access)
whatever the database holds; slugs and series numbers are made unique against what is there, and
publication times are placed relative to now (the last ten years, a few scheduled ahead).

Organizations and outlets include real ones; people are the demo's four and invented names built
from common Arabic name parts.
"""
import collections
import concurrent.futures
import dataclasses
import datetime as dt
import functools
import multiprocessing
import random
import time
from collections.abc import Callable, Iterator

from django.contrib.contenttypes.models import ContentType
from django.db import connections, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from reports.demo import content as demo
from reports.models import (
    Country,
    Footnote,
    Organization,
    OrganizationAlias,
    Outlet,
    OutletAlias,
    Person,
    PersonAlias,
    Quote,
    Report,
    ReportQuote,
    Role,
    Series,
    Tier,
)
from reports.models.reports import short_slug
from reports.search.engine import index_reports
from reports.search.names import normalize_name
from reports.text.rendering import render_markdown

POOL_SEED = "threat-monitor-corpus-pool"

# --- Places -------------------------------------------------------------------------------------

SERIES = demo.SERIES + [
    ("iran-media-studies", "Iran Media Studies", "", "What the Iranian regime's press and television tell their audiences.", ""),
    ("telegram-watch", "Telegram Watch", "", "Weekly reviews of the channels that carry militant statements.", ""),
]
# Series whose reports carry a number, and where the numbering starts.
NUMBERED_SERIES = {"special-dispatch": 10000, "inquiry-analysis": 1500, "iran-media-studies": 100}

COUNTRIES = demo.COUNTRIES + [
    ("afghanistan", "Afghanistan", "AF"),
    ("pakistan", "Pakistan", "PK"),
    ("egypt", "Egypt", "EG"),
    ("jordan", "Jordan", "JO"),
    ("saudi-arabia", "Saudi Arabia", "SA"),
    ("turkey", "Turkey", "TR"),
    ("somalia", "Somalia", "SO"),
    ("nigeria", "Nigeria", "NG"),
    ("mali", "Mali", "ML"),
    ("bahrain", "Bahrain", "BH"),
    ("gulf", "Gulf region", ""),
    ("sahel", "Sahel region", ""),
]

# --- Organizations ------------------------------------------------------------------------------

# slug: (name, kind, countries, spellings the sources use besides the name)
KNOWN_ORGANIZATIONS = {
    "kataib-sayyid-al-shuhada": ("Kata'ib Sayyid Al-Shuhada", "militia", ["iraq", "syria"], ["Kataib Sayyid al-Shuhada", "Kata'ib Sayed Al-Shuhadaa", "KSS"]),
    "asaib-ahl-al-haqq": ("'Asa'ib Ahl Al-Haqq", "militia", ["iraq"], ["Asaib Ahl al-Haq", "Asa'ib Ahl al-Haq", "AAH", "League of the Righteous"]),
    "harakat-al-nujaba": ("Harakat Hizbullah Al-Nujaba", "militia", ["iraq", "syria"], ["Harakat al-Nujaba", "Nujaba Movement", "Harakat Hezbollah al-Nujaba"]),
    "kataib-al-imam-ali": ("Kata'ib Al-Imam 'Ali", "militia", ["iraq"], ["Kataib al-Imam Ali", "Imam Ali Brigades"]),
    "saraya-al-salam": ("Saraya Al-Salam", "militia", ["iraq"], ["Saraya al-Salam", "Peace Brigades", "Saraya Assalam"]),
    "badr-organization": ("Badr Organization", "party", ["iraq"], ["Munazzamat Badr", "Badr Corps", "Badr Brigades"]),
    "saraya-awliya-al-dam": ("Saraya Awliya' Al-Dam", "militia", ["iraq"], ["Saraya Awliya al-Dam", "Awliyaa al-Dam Brigades"]),
    "ashab-al-kahf": ("Ashab Al-Kahf", "militia", ["iraq"], ["Ashab al-Kahf", "Asshab al-Kahf", "Companions of the Cave"]),
    "palestinian-islamic-jihad": ("Palestinian Islamic Jihad", "movement", ["palestinian-territories"], ["PIJ", "Harakat Al-Jihad Al-Islami", "Islamic Jihad Movement"]),
    "al-quds-brigades": ("Al-Quds Brigades", "militia", ["palestinian-territories"], ["Saraya Al-Quds", "Saraya al-Quds", "Al Quds Brigades"]),
    "al-qassam-brigades": ("'Izz Al-Din Al-Qassam Brigades", "militia", ["palestinian-territories"], ["Ezzedeen al-Qassam Brigades", "Izz ad-Din al-Qassam Brigades", "Al-Qassam Brigades"]),
    "al-aqsa-martyrs-brigades": ("Al-Aqsa Martyrs' Brigades", "militia", ["palestinian-territories"], ["Kata'ib Shuhada' Al-Aqsa", "Kataib Shuhada al-Aqsa"]),
    "pflp": ("Popular Front for the Liberation of Palestine", "movement", ["palestinian-territories"], ["PFLP", "Al-Jabha Al-Sha'biya li-Tahrir Filastin"]),
    "lions-den": ("Lions' Den", "militia", ["palestinian-territories"], ["'Arin Al-Usud", "Areen al-Usud", "Arin al-Osoud"]),
    "amal-movement": ("Amal Movement", "party", ["lebanon"], ["Harakat Amal", "Afwaj Al-Muqawama Al-Lubnaniya"]),
    "islamic-state": ("Islamic State", "jihadi_group", ["iraq", "syria"], ["ISIS", "ISIL", "Da'esh", "Daesh", "Al-Dawla Al-Islamiya"]),
    "iskp": ("Islamic State Khorasan Province", "jihadi_group", ["afghanistan", "pakistan"], ["ISKP", "ISIS-K", "Wilayat Khurasan"]),
    "iswap": ("Islamic State West Africa Province", "jihadi_group", ["nigeria", "sahel"], ["ISWAP", "Wilayat Gharb Ifriqiya"]),
    "al-qaeda": ("Al-Qaeda", "jihadi_group", ["afghanistan", "pakistan"], ["Al-Qa'ida", "Al-Qaida", "Al-Qaeda Central", "Qaedat Al-Jihad"]),
    "aqap": ("Al-Qaeda in the Arabian Peninsula", "jihadi_group", ["yemen", "saudi-arabia"], ["AQAP", "Al-Qa'ida fi Jazirat Al-'Arab", "Tanzim Qa'idat al-Jihad fi Jazirat al-Arab"]),
    "aqim": ("Al-Qaeda in the Islamic Maghreb", "jihadi_group", ["mali", "sahel"], ["AQIM", "Al-Qa'ida fi Bilad Al-Maghrib Al-Islami"]),
    "jnim": ("Jama'at Nusrat Al-Islam wal-Muslimin", "jihadi_group", ["mali", "sahel"], ["JNIM", "Jamaat Nusrat al-Islam wal-Muslimeen", "Group for the Support of Islam and Muslims"]),
    "al-shabab": ("Al-Shabab", "jihadi_group", ["somalia"], ["Al-Shabaab", "Harakat Al-Shabab Al-Mujahidin", "Al Shabaab"]),
    "hayat-tahrir-al-sham": ("Hay'at Tahrir Al-Sham", "jihadi_group", ["syria"], ["HTS", "Hayat Tahrir al-Sham", "Hayaat Tahrir al-Sham"]),
    "hurras-al-din": ("Hurras Al-Din", "jihadi_group", ["syria"], ["Hurras al-Deen", "Guardians of the Religion Organization"]),
    "taliban": ("Taliban", "movement", ["afghanistan"], ["Islamic Emirate of Afghanistan", "Taleban", "Tehreek-e-Taliban"]),
    "irgc": ("Islamic Revolutionary Guard Corps", "state_body", ["iran", "iraq", "syria"], ["IRGC", "Sepah-e Pasdaran", "Pasdaran", "Revolutionary Guards"]),
    "irgc-qods-force": ("IRGC Qods Force", "state_body", ["iran", "iraq", "syria", "lebanon"], ["Quds Force", "Qods Force", "Sepah-e Qods"]),
    "liwa-fatemiyoun": ("Liwa Fatemiyoun", "militia", ["syria", "afghanistan"], ["Fatemiyoun Division", "Liwa Fatemiyun", "Lashkar-e Fatemiyoun"]),
    "liwa-zainabiyoun": ("Liwa Zainabiyoun", "militia", ["syria", "pakistan"], ["Zainabiyoun Brigade", "Liwa Zaynabiyun"]),
    "al-ashtar-brigades": ("Saraya Al-Ashtar", "militia", ["bahrain"], ["Al-Ashtar Brigades", "Saraya al-Ashtar"]),
}

# Invented names, built from the parts such groups use: (Arabic word, English word, kind).
ORGANIZATION_HEADS = [
    ("Kata'ib", "Brigades", "militia"),
    ("Liwa'", "Brigade", "militia"),
    ("Saraya", "Companies", "militia"),
    ("Harakat", "Movement", "movement"),
    ("Jabhat", "Front", "umbrella"),
    ("Tajammu'", "Gathering", "umbrella"),
    ("Quwwat", "Forces", "militia"),
    ("Tanzim", "Organization", "jihadi_group"),
    ("Mu'assasat", "Foundation", "media_wing"),
]
ORGANIZATION_TAILS = [
    "Al-Wa'd Al-Sadiq", "Ahl Al-Thughur", "Al-Fath Al-Qarib", "Sayyid Al-Awsiya'", "Dir' Al-Watan",
    "Al-Haqq Al-Mubin", "Tha'r Al-Husayn", "Al-Yawm Al-Maw'ud", "Junud Al-Sama'", "Al-Karrar",
    "Qabdat Al-Huda", "Usud Al-Rafidayn", "Hurras Al-Thughur", "Al-Ghadab Al-Hashimi", "Ahl Al-Wafa'",
    "Al-Nasr Al-Mubin", "Al-Imam Al-Baqir", "Fursan Al-Jazira", "Al-Bayariq", "Nur Al-Huda",
    "Al-Ribat", "Al-Sabiqun", "Shabab Al-Qiyama", "Al-Muntaqim", "Abna' Al-Mahdi", "Al-Fajr Al-Jadid",
    "Sahm Al-Haqq", "Al-Sayf Al-Battar",
]
# Spellings that differ in their letters, as sources write them (the name folding does not merge these).
RESPELLINGS = [
    ("Kata'ib", "Kataib"), ("Husayn", "Hussein"), ("Haqq", "Haq"), ("Sayyid", "Sayed"), ("Usud", "Osoud"), ("Quwwat", "Quwat"),
    ("Rafidayn", "Rafidain"), ("Tajammu'", "Tajamu"), ("Huda", "Hoda"), ("Sabiqun", "Sabiqoun"),
    ("Maw'ud", "Mawood"), ("Thughur", "Thughour"), ("Junud", "Jonoud"), ("Fursan", "Forsan"),
    ("Mubin", "Mubeen"), ("Mu'assasat", "Muassasa"), ("Liwa'", "Liwaa"), ("Wafa'", "Wafaa"),
    ("Nur", "Noor"), ("Tha'r", "Thar"), ("Sadiq", "Sadeq"), ("Qarib", "Qareeb"), ("Abna'", "Abnaa"),
    ("Jadid", "Jdeed"), ("Shabab", "Shabaab"), ("Sayf", "Saif"), ("Qiyama", "Qiyamah"),
]

# --- People -------------------------------------------------------------------------------------

# (the desk's spelling, other spellings in the sources)
FIRST_NAMES = [
    ("'Adel", ["Adil", "Adel"]), ("Hussein", ["Husayn", "Hussain"]), ("Haidar", ["Haider", "Hayder"]),
    ("Mahdi", ["Mehdi"]), ("Muhammad", ["Mohammed", "Mohammad"]), ("'Ali", ["Ali"]), ("Qais", ["Qays", "Kais"]),
    ("Ahmad", ["Ahmed"]), ("Yasir", ["Yasser", "Yaser"]), ("'Umar", ["Omar"]), ("Yusuf", ["Youssef", "Yousef"]),
    ("Nasser", ["Nasir", "Naser"]), ("Kadhim", ["Kazem", "Kazim"]), ("Muntadhar", ["Muntazar"]),
    ("Ridha", ["Rida", "Reza"]), ("Wissam", ["Wisam"]), ("Ziyad", ["Ziad"]), ("Isma'il", ["Ismail"]),
    ("'Imad", ["Imad", "Emad"]), ("Jawad", ["Jawwad"]), ("Murtada", ["Murtadha", "Mortaza"]),
    ("Mustafa", ["Mostafa", "Moustafa"]), ("Khalid", ["Khaled"]), ("Hamid", ["Hameed"]), ("Salim", ["Saleem", "Selim"]),
    ("Tariq", ["Tarek", "Tareq"]), ("Faris", ["Fares"]), ("Majid", ["Maged", "Majeed"]), ("Bilal", ["Belal"]),
    ("Hamza", ["Hamzeh"]), ("Anwar", ["Anouar"]), ("Mazin", ["Mazen"]), ("Sa'd", ["Saad"]), ("Karim", ["Kareem"]),
    ("Jalal", ["Galal"]), ("Fadil", ["Fadel", "Fadhil"]), ("'Abbas", ["Abbas"]), ("Ibrahim", ["Ebrahim"]),
    ("Walid", ["Waleed"]), ("Hashim", ["Hashem"]), ("Sami", ["Samy"]), ("'Aziz", ["Aziz"]),
]
FAMILY_NAMES = [
    ("Al-Sa'idi", ["al-Saedi", "al-Saeedi"]), ("Al-Mayahi", ["al-Mayyahi"]), ("Al-Rubay'i", ["al-Rubaie", "al-Rubaiy"]),
    ("Al-Hamdani", ["al-Hamadani"]), ("Al-Zubaidi", ["al-Zubaydi", "al-Zobaidi"]), ("Al-Shammari", ["al-Shamari"]),
    ("Al-Jaburi", ["al-Jubouri", "al-Jboori"]), ("Al-Hilli", ["al-Helli"]), ("Al-Najafi", ["al-Nejefi"]),
    ("Al-Darraji", ["al-Daraji"]), ("Al-Lami", ["al-Laami"]), ("Al-Saffar", ["al-Safar"]), ("Al-Dulaimi", ["al-Dulaymi"]),
    ("Al-'Ubaidi", ["al-Obeidi", "al-Ubaydi"]), ("Al-Khafaji", ["al-Khafagi"]), ("Al-Asadi", ["al-Assadi"]),
    ("Al-Shaybani", ["al-Shaibani"]), ("Al-Yasiri", ["al-Yassiri"]), ("Al-Kinani", ["al-Kenani"]),
    ("Al-Bahadli", ["al-Bahadily"]), ("Al-Mahturi", ["al-Mahtouri"]), ("Al-Wazzan", ["al-Wazan"]),
    ("Sharaf Al-Din", ["Sharafeddine", "Sharaf al-Deen"]), ("Shehab", ["Shihab"]), ("'Awad", ["Awad", "Awwad"]),
    ("Al-Suwaidi", ["al-Sweidi"]), ("Al-Ghanimi", ["al-Ghanemi"]), ("Al-Qaisi", ["al-Qaysi"]),
    ("Al-Tai", ["al-Taei", "al-Ta'i"]), ("Al-Hashimi", ["al-Hashemi"]), ("Al-Mashhadani", ["al-Mashadani"]),
    ("Al-Rikabi", ["al-Rekabi"]), ("Al-Sharifi", ["al-Sherifi"]), ("Al-Fartusi", ["al-Fartousi"]),
]
KUNYAS = [
    "Abu Sajjad", "Abu Zahra'", "Abu Murtada", "Abu Karrar", "Abu Haidar", "Abu Ridha", "Abu Baqir",
    "Abu Hawra'", "Abu Fatima", "Abu Zainab", "Abu Hashim", "Abu Tahir", "Abu Yasir", "Abu Ja'far",
]
ROLE_TITLES = ["Commander", "Spokesman", "Secretary-General", "Deputy leader", "Media official", "Political bureau member", "Field commander"]

# --- Outlets ------------------------------------------------------------------------------------

# slug: (name, kind, country, language, stance, spellings)
KNOWN_OUTLETS = {
    "al-mayadeen": ("Al-Mayadeen", "tv", "lebanon", "ar", "pro-Hizbullah", ["Al Mayadeen", "Al-Mayadin"]),
    "al-ahd": ("Al-'Ahd", "website", "lebanon", "ar", "Hizbullah's news site", ["Al-Ahed News", "Al-Ahd"]),
    "al-nujaba-tv": ("Al-Nujaba TV", "tv", "iraq", "ar", "Harakat Al-Nujaba's channel", ["Nujaba TV"]),
    "al-alam": ("Al-Alam", "tv", "iran", "ar", "Iranian state Arabic-language channel", ["Al Alam News Network", "Al-Alam TV"]),
    "press-tv": ("Press TV", "tv", "iran", "en", "Iranian state English-language channel", ["PressTV"]),
    "tasnim": ("Tasnim News Agency", "news_agency", "iran", "fa", "close to the IRGC", ["Tasnim"]),
    "fars": ("Fars News Agency", "news_agency", "iran", "fa", "close to the IRGC", ["Fars News", "FNA"]),
    "kayhan": ("Kayhan", "newspaper", "iran", "fa", "conservative Iranian daily", ["Keyhan", "Kayhan Daily"]),
    "al-quds-al-arabi": ("Al-Quds Al-Arabi", "newspaper", "", "ar", "London-based daily", ["Al Quds Al Arabi"]),
    "asharq-al-awsat": ("Al-Sharq Al-Awsat", "newspaper", "saudi-arabia", "ar", "Saudi-owned daily", ["Asharq Al-Awsat", "Asharq Alawsat"]),
    "al-jazeera": ("Al-Jazeera", "tv", "", "ar", "Qatari channel", ["Al Jazeera", "Aljazeera"]),
    "al-arabiya": ("Al-Arabiya", "tv", "saudi-arabia", "ar", "Saudi-owned channel", ["Al Arabiya", "Alarabiya"]),
    "saba": ("Saba News Agency", "news_agency", "yemen", "ar", "Houthi-controlled agency", ["SABA", "Saba Net"]),
    "al-thawra-yemen": ("Al-Thawra", "newspaper", "yemen", "ar", "Houthi-controlled daily", ["Al Thawra", "Al-Thawrah"]),
    "al-sabah": ("Al-Sabah", "newspaper", "iraq", "ar", "Iraqi state daily", ["Al Sabah"]),
    "al-nahar": ("Al-Nahar", "newspaper", "lebanon", "ar", "", ["Annahar", "An-Nahar"]),
    "al-binaa": ("Al-Binaa", "newspaper", "lebanon", "ar", "pro-Syrian regime daily", ["Al Binaa"]),
    "al-naba": ("Al-Naba'", "newspaper", "", "ar", "Islamic State weekly", ["Al-Naba", "Al Naba"]),
    "amaq": ("A'maq News Agency", "news_agency", "", "ar", "Islamic State news agency", ["Amaq", "A'maq"]),
    "al-sumaria": ("Al-Sumaria", "tv", "iraq", "ar", "", ["Al Sumaria", "Alsumaria TV"]),
    "al-ahed-telegram": ("Al-'Ahd Telegram", "telegram", "iraq", "ar", "Asa'ib Ahl Al-Haqq channel", ["Al-Ahd channel"]),
    "al-aqsa-tv": ("Al-Aqsa TV", "tv", "palestinian-territories", "ar", "Hamas's channel", ["Al Aqsa TV"]),
    "palestine-today": ("Palestine Today", "tv", "palestinian-territories", "ar", "close to the PIJ", ["Filastin Al-Yawm", "Palestine Alyoum"]),
    "al-kawthar": ("Al-Kawthar", "tv", "iran", "ar", "Iranian state channel", ["Al Kawthar TV"]),
}
# Invented Telegram channels and sites: (name, spellings, kind, country).
INVENTED_OUTLETS = [
    ("Sada Al-Muqawama", ["Sada al-Muqawamah", "Echo of the Resistance"], "telegram", "iraq"),
    ("'Uyun Al-Rafidayn", ["Uyoun al-Rafidain"], "telegram", "iraq"),
    ("Al-Rasid Al-Harbi", ["Al Rasid", "Al-Rased al-Harbi"], "telegram", "iraq"),
    ("Nida' Al-Thughur", ["Nidaa al-Thughour"], "telegram", "syria"),
    ("Muhur Al-Jabha", ["Mohour al-Jabha"], "telegram", "lebanon"),
    ("Sawt Al-Mujahidin", ["Sawt al-Mujahideen", "Voice of the Mujahideen"], "website", ""),
    ("Al-Khandaq", ["Al Khandaq", "Khandaq"], "telegram", "lebanon"),
    ("Manarat Al-Huda", ["Manarat al-Hoda"], "website", "iraq"),
    ("Al-Bayan Al-Yawmi", ["Al-Bayan Daily"], "newspaper", "iraq"),
    ("Nashrat Al-Jihad", ["Nashrat al-Jehad"], "social", ""),
    ("Ru'ya Al-Muqawama", ["Ruya al-Muqawama"], "telegram", "yemen"),
    ("Shabakat Al-Ansar", ["Ansar Network", "Shabakat al-Ansaar"], "social", ""),
]

# --- Tags ---------------------------------------------------------------------------------------

TOPIC_TAGS = [
    "threats", "drone attacks", "rocket attacks", "missiles", "ballistic missiles", "cruise missiles",
    "IEDs", "roadside bombs", "suicide attacks", "assassinations", "kidnapping", "hostages", "prisoners",
    "U.S. forces", "U.S. embassy", "U.S. withdrawal", "Israel", "Gaza war", "October 7", "Red Sea", "shipping",
    "Bab Al-Mandab", "naval forces", "sanctions", "financing", "cryptocurrency", "money laundering",
    "smuggling", "weapons smuggling", "drugs", "Captagon", "recruitment", "children", "women", "education",
    "summer camps", "propaganda", "Telegram", "TikTok", "X (Twitter)", "YouTube", "WhatsApp", "hacking",
    "cyber attacks", "artificial intelligence", "deepfakes", "video games", "antisemitism", "anti-Americanism",
    "Holocaust denial", "conspiracy theories", "martyrdom", "funerals", "eulogies", "commemorations",
    "Ashura", "Arba'een", "Ramadan", "Quds Day", "Friday sermons", "elections", "parliament", "government",
    "Iraqi militias", "Iranian influence", "Axis of Resistance", "Shi'ite militias", "Sunni tribes",
    "Kurdistan Region", "Turkish operations", "refugees", "camps", "Al-Hol camp", "prisons", "prison breaks",
    "ceasefire", "truce", "negotiations", "normalization", "Abraham Accords", "diplomacy", "Saudi Arabia",
    "Gulf states", "oil", "economy", "electricity", "water", "corruption", "protests", "Tishreen protests",
    "human rights", "executions", "fatwas", "clerics", "religious education", "sectarianism", "Christians",
    "Yazidis", "minorities", "jihadi ideology", "caliphate", "Salafism", "Muslim Brotherhood", "Sharia",
    "Europe", "terror plots", "lone wolves", "online radicalization", "foreign fighters", "returnees",
    "drones", "air defense", "military exercises", "weapons displays", "military parades", "nuclear program",
    "uranium enrichment", "IAEA", "Strait of Hormuz", "tankers", "maritime security", "airports",
    "border crossings", "Al-Tanf", "Ain Al-Asad", "Erbil", "Baghdad", "Beirut", "Sanaa", "Damascus", "Tehran",
    "Hodeidah", "Jenin", "Nablus", "West Bank", "Jerusalem", "Al-Aqsa Mosque", "southern Lebanon",
    "Golan Heights", "Deir Ez-Zor", "Idlib", "Mosul", "Kirkuk", "Anbar", "Diyala", "Basra", "Sinjar",
    "succession", "leadership", "internal rifts", "rivalries", "media wings", "claims of responsibility",
    "disinformation", "translations", "TV interviews", "press conferences", "weekly reviews",
    "monthly statistics", "infographics", "songs and anthems", "poetry", "cartoons", "social media campaigns",
    "boycotts", "embassy attacks", "U.S. elections", "Iran-U.S. talks", "prisoner swaps", "reconstruction",
]
ARABIC_TAGS = ["المقاومة الإسلامية", "الحشد الشعبي", "طوفان الأقصى", "محور المقاومة", "الجهاد"]

# --- Texts --------------------------------------------------------------------------------------

# (Arabic original, English translation)
QUOTE_TEXTS = [
    ("سنرد على أي عدوان بكل قوة وفي الوقت المناسب.", "We will respond to any aggression with full force and at the appropriate time."),
    ("إن القواعد الأمريكية في المنطقة أهداف مشروعة لنا.", "The American bases in the region are legitimate targets for us."),
    ("المقاومة مستمرة حتى خروج آخر جندي محتل.", "The resistance will continue until the last occupying soldier leaves."),
    ("لن نقف مكتوفي الأيدي أمام جرائم العدو.", "We will not stand idly by in the face of the enemy's crimes."),
    ("دماء الشهداء أمانة في أعناقنا.", "The blood of the martyrs is a trust we carry."),
    ("نحذر الشركات الأجنبية من التعامل مع العدو.", "We warn foreign companies against dealing with the enemy."),
    ("معركتنا مفتوحة على كل الاحتمالات.", "Our battle is open to all possibilities."),
    ("إن محور المقاومة موحد في الميدان.", "The Axis of Resistance is united on the battlefield."),
    ("على الحكومة أن تطرد القوات الأجنبية فوراً.", "The government must expel the foreign forces immediately."),
    ("سلاحنا لن يسلم ما دام الاحتلال قائماً.", "Our weapons will not be handed over as long as the occupation remains."),
    ("ما جرى اليوم ليس إلا البداية.", "What happened today is only the beginning."),
    ("نعلن مسؤوليتنا عن استهداف القاعدة بالطائرات المسيرة.", "We announce our responsibility for targeting the base with drones."),
    ("إن البحر الأحمر مغلق أمام سفن العدو.", "The Red Sea is closed to the enemy's ships."),
    ("ندعو الشباب إلى الالتحاق بصفوف المجاهدين.", "We call on the youth to join the ranks of the mujahideen."),
    ("الانتخابات لن تغير شيئاً ما دام القرار بيد السفارة.", "The elections will change nothing as long as the decision is in the embassy's hands."),
    ("سنلاحق القتلة أينما كانوا.", "We will pursue the killers wherever they are."),
    ("إن الهدنة لا تعني نهاية المعركة.", "The truce does not mean the end of the battle."),
    ("العقوبات الأمريكية وسام على صدورنا.", "The American sanctions are a medal on our chests."),
    ("نحن جاهزون لكل السيناريوهات.", "We are ready for every scenario."),
    ("لا تفاوض مع من يقتل أطفالنا.", "No negotiations with those who kill our children."),
]

# As in a sentence; titles capitalise each word.
TARGETS = [
    "U.S. forces", "American bases", "Israel", "shipping in the Red Sea", "the U.S. embassy in Baghdad",
    "the Gulf states", "Western companies", "Saudi Arabia", "Turkish forces", "the Iraqi government",
    "oil tankers", "coalition forces", "the Kurdistan Region",
]
ISSUES = [
    "the Gaza war", "U.S. strikes", "the sanctions", "the killing of a commander", "normalization with Israel",
    "the presence of foreign troops", "the elections", "the Quran burnings", "the prisoners", "the ceasefire",
]
PLACES = [
    "Erbil", "Baghdad", "Ain Al-Asad", "Al-Tanf", "Deir Ez-Zor", "Damascus", "Southern Lebanon", "Hodeidah",
    "The Red Sea", "Jenin", "Idlib", "Mosul", "Anbar", "Basra", "Sinjar", "Kirkuk", "The Golan", "Sanaa",
    "The Gulf Of Aden", "Al-Bukamal", "Diyala", "Beirut", "Nablus", "Marib",
]
# Words that turn up in few reports (bases, weapons, vessels, operations), drawn with Zipf-like weights.
RARE_TERMS = [
    "Shahed-136", "Samad-3", "Quds-2", "Burkan-3", "Zulfiqar", "Fateh-110", "Kornet", "Almas", "Arash",
    "Qasef-2K", "Mersad", "Sayyad", "Hatem-2", "Toufan", "Khaibar-Shekan", "Raad-500", "Ababil",
    "Jurf Al-Sakhar", "Harir air base", "Victory Base", "Shaddadi", "Conoco gas field", "Al-Omar oil field",
    "Tower 22", "Rukban", "Al-Qaim", "Akashat", "Nukhayb", "Rutba", "Balad air base", "Camp Taji",
    "Mount Hermon", "Shebaa Farms", "Naqoura", "Kiryat Shmona", "Metula", "Eilat", "Umm Al-Rashrash",
    "Bab Al-Hawa", "Al-Waleed crossing", "Al-Bukamal crossing", "Ras Isa", "Kamaran island", "Mokha",
    "Perim island", "Socotra", "Zinjibar", "Shabwa", "Hadhramaut", "Marib dam", "Sitra", "Awamiya",
    "Galaxy Leader", "MV Sea Falcon", "Tropic Star", "Marlin Luanda", "Rubymar", "True Confidence",
    "Operation Al-Aqsa Flood", "Operation Promised Victory", "Operation Truthful Promise", "the Unity of Fronts",
    "the Jerusalem Sword", "the Rules of Engagement", "the Crescent Campaign", "the Siege Breakers",
    "cryptowallets", "hawala", "Binance", "TRON", "Tether", "USDT", "zakat fund", "front companies",
    "dual-use components", "guidance kits", "loitering munitions", "fiber-optic drones", "jamming",
    "Starlink terminals", "encrypted apps", "Element", "Rocket.Chat", "Hoop Messenger", "Nashir News",
    "Al-Azaim", "Al-Hayat Media Center", "Al-Furqan", "Sahab", "Thabat", "Al-Kataib Media",
    "Ayatollah's fatwa", "the Imam's line", "Wilayat Al-Faqih", "Mahdism", "Al-Muntazar", "Raj'a",
]
WEAPONS = ["drones", "rockets", "a one-way attack drone", "Katyusha rockets", "an explosive-laden boat", "ballistic missiles", "a roadside bomb", "anti-tank missiles"]

TITLE_TEMPLATES = [
    "{org} Commander {person} Threatens {target} Over {issue}",
    "{org_caps} Claims Drone Attack On {place}",
    "{outlet}: {org} Says Attacks On {target} Will Continue",
    "In Interview With {outlet}, {person} Warns {target}",
    "{org} Mourns Commander Killed In {place} Strike",
    "Weekly Review Of {org}'s Telegram Channels",
    "{person}: '{quote}'",
    "{org} Telegram Channels Celebrate Attack In {place}",
    "Pro-{org} Channels Call For Attacks On {target}",
    "{org} Leader Calls For Boycott Of {target}",
    "{outlet} Columnist: {issue} Shows The Weakness Of {target}",
    "{org} Unveils New Weapons In {place} Parade",
    "{org} Statement On {issue}: 'The Response Is Coming'",
    "Iraqi Militias Respond To {issue}: {org} Threatens {target}",
    "{org} Media Wing Releases Video Of Attack In {place}",
    "{person} Of {org} In Speech: {target} Will Pay The Price",
    "{org} Recruits Online Through {outlet}",
    "Fundraising Campaign By {org} Seeks Cryptocurrency Donations",
    "{org} Warns {target} Against Escalation In {place}",
    "{outlet} Report: {org} Fighters Deployed To {place}",
    "Houthi And Iraqi Militia Statements On {issue}",
    "{org} Denies Involvement In {place} Attack, Blames {target}",
    "Rift Between {org} And {org2} Over {issue}",
    "{org} And {org2} Announce Joint Operations Room",
]
SUMMARY_TEMPLATES = [
    "{org} threatened {target_l} over {issue_l}, in a statement carried by {outlet}.",
    "A commander of {org} told {outlet} that attacks on {target_l} would go on, and named {issue_l} as the reason.",
    "Channels close to {org} celebrated an attack in {place} and called for more.",
    "{person} of {org} set out the group's conditions for a truce. {outlet} carried the full text.",
    "The desk reviews what {org} and {org2} published this week, and what it signals for {target_l}.",
    "{org} presented {issue_l} as a reason to escalate. The desk translates the key passages.",
    "How {org} uses {outlet} and Telegram to claim attacks, recruit and raise money.",
]
HEADINGS = [
    "Background", "The statement", "What was said", "Reactions", "The desk's reading", "What to watch",
    "How the claim spread", "Context", "The media campaign", "The threat",
]
BODY_SENTENCES = [
    "On {date}, {org} published a statement on its Telegram channels warning {target_l} over {issue_l}.",
    "The statement was first carried by {outlet}, and within the hour by channels close to {org2}.",
    "{person}, a senior figure in {org}, told {outlet} that the group was ready for a long confrontation.",
    "He described {target_l} as a legitimate target and said the timing of any response would be set by the resistance alone.",
    "The group claimed to have struck a position near {place} with {weapon}, and released footage it said showed the launch.",
    "No independent source confirmed the attack, and officials in {country} did not comment.",
    "Channels affiliated with {org} presented the operation as a response to {issue_l}.",
    "The desk notes that the wording closely follows earlier statements by {org2}.",
    "In a televised interview, {person} added that the group's patience was \"running out.\"",
    "Supporters shared the statement with the hashtag of the campaign and posted images of fighters near {place}.",
    "{outlet} framed the claim as part of a wider campaign by the Axis of Resistance.",
    "The same day, {org2} announced that its fighters had been placed on high alert.",
    "Observers in {country} read the threat as aimed at domestic audiences as much as at {target_l}.",
    "The group's media wing released a poster naming {rare} as a future target.",
    "References to {rare} recur in the group's messaging and suggest a familiarity with the area.",
    "A video released afterwards showed {rare}, which the channel said had been used in the attack.",
    "{person} called on followers to donate to the group, in a post that also mentioned {rare}.",
    "The statement ended with a Quranic verse and a promise of further operations.",
    "Pro-government media in {country} dismissed the claim as propaganda.",
    "The desk has recorded dozens of similar claims since the start of the year, most of them unverified.",
    "Later that week, {outlet} ran an editorial praising {org} and attacking its critics.",
    "{org} has used the name {org_spelling} in some of its claims, which complicates attribution.",
    "Telegram channels such as {outlet} reposted the material, often within minutes.",
    "The threat came a day after a strike near {place} killed members of {org2}.",
    "Analysts in {country} expect the group to escalate over {issue_l}.",
    "Followers of {org} circulated a list of {target_l} they described as enemies.",
    "The text also attacked the government in {country} for failing to act.",
    "A spokesman for {org} denied that the group had received orders from Tehran.",
    "The group's leader, {person}, appeared in a rare video message filmed in front of a map of {place}.",
    "Statements of this kind have preceded attacks in the past, and the desk will follow the group's channels closely.",
]
FOOTNOTE_TEMPLATES = [
    "{outlet}{where}, {date}.",
    "Statement of {org}, posted on Telegram, {date}.",
    "{outlet}, interview with {person}, {date}.",
    "Video released by the media wing of {org}, {date}.",
    "{outlet}, editorial, {date}.",
]


# --- The pool -----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Entity:
    slug: str
    name: str
    kind: str
    # The name first, then the other spellings the sources use.
    spellings: tuple
    countries: tuple = ()


@dataclasses.dataclass(frozen=True)
class Pool:
    organizations: tuple
    people: tuple
    outlets: tuple
    tags: tuple


def respell(name):
    """The spelling another source would use: letters changed, apostrophes and the article as they come."""
    for desk, other in RESPELLINGS:
        name = name.replace(desk, other)
    return name.replace(" Al-", " al-")


@functools.cache
def pool_definitions():
    """The entities and tags of the corpus: always the same, so that every run shares one pool."""
    rng = random.Random(POOL_SEED)
    organizations = [
        Entity(slug, fields[0], fields[1], (fields[0], *fields[5]), tuple(fields[4]))
        for slug, fields in demo.ORGANIZATIONS.items()
    ]
    organizations += [
        Entity(slug, name, kind, (name, *spellings), tuple(countries))
        for slug, (name, kind, countries, spellings) in KNOWN_ORGANIZATIONS.items()
    ]
    names = {entity.name for entity in organizations}
    tails = rng.sample(ORGANIZATION_TAILS, len(ORGANIZATION_TAILS))
    for tail in tails:
        head, english, kind = rng.choice(ORGANIZATION_HEADS)
        name = f"{head} {tail}"
        if name in names:
            continue
        names.add(name)
        spellings = [name, respell(name), f"{english} of {tail}"]
        if "'" in name:
            spellings.append(name.replace("'", ""))
        countries = rng.sample(["iraq", "syria", "lebanon", "yemen", "bahrain"], rng.randint(1, 2))
        organizations.append(Entity(slugify(name), name, kind, tuple(spellings[: rng.randint(2, 4)]), tuple(countries)))

    people = [Entity(slug, fields[0], "", (fields[0], *fields[1])) for slug, fields in demo.PEOPLE.items()]
    seen = {person.name for person in people}
    while len(people) < 150:
        (first, first_others), (family, family_others) = rng.choice(FIRST_NAMES), rng.choice(FAMILY_NAMES)
        name = f"{first} {family}"
        if name in seen:
            continue
        seen.add(name)
        spellings = [name, f"{rng.choice(first_others)} {rng.choice(family_others)}"]
        if rng.random() < 0.5:
            spellings.append(f"{first_others[-1]} {family_others[-1]}")
        if rng.random() < 0.4:
            spellings.append(f"{rng.choice(KUNYAS)} {family}")
        people.append(Entity(slugify(name), name, "", tuple(dict.fromkeys(spellings))))

    outlets = [
        Entity(slug, fields[0], fields[1], (fields[0], *fields[6]), (fields[2],) if fields[2] else ())
        for slug, fields in demo.OUTLETS.items()
    ]
    outlets += [
        Entity(slug, name, kind, (name, *spellings), (country,) if country else ())
        for slug, (name, kind, country, _, _, spellings) in KNOWN_OUTLETS.items()
    ]
    outlets += [
        Entity(slugify(name), name, kind, (name, *spellings), (country,) if country else ())
        for name, spellings, kind, country in INVENTED_OUTLETS
    ]

    tags = list(dict.fromkeys(TOPIC_TAGS + ARABIC_TAGS + [entity.name for entity in organizations[:40]]))
    return Pool(tuple(organizations), tuple(people), tuple(outlets), tuple(tags[:200]))


@dataclasses.dataclass
class PoolIds:
    """Primary keys of the pool's rows, by slug (by name for tags)."""

    series: dict
    countries: dict
    organizations: dict
    people: dict
    outlets: dict
    tags: dict
    tiers: dict


def _create_missing(model, definitions, build):
    """Create the entities not yet there (by slug); return (slug -> pk, the newly created objects)."""
    existing = set(model.objects.filter(slug__in=[d.slug for d in definitions]).values_list("slug", flat=True))
    new = model.objects.bulk_create([build(d) for d in definitions if d.slug not in existing])
    return dict(model.objects.filter(slug__in=[d.slug for d in definitions]).values_list("slug", "pk")), new


def _aliases(alias_model, owner_field, definitions, ids, created):
    """Aliases of newly created entities: every spelling that folds differently from the name and each other."""
    created_slugs = {obj.slug for obj in created}
    aliases = []
    for definition in definitions:
        if definition.slug not in created_slugs:
            continue
        folded = {normalize_name(definition.name)}
        for spelling in definition.spellings[1:]:
            if normalize_name(spelling) not in folded:
                folded.add(normalize_name(spelling))
                aliases.append(alias_model(name=spelling, normalized_name=normalize_name(spelling),
                                           **{f"{owner_field}_id": ids[definition.slug]}))
    alias_model.objects.bulk_create(aliases)


def ensure_pool():
    """Create what is missing of the pool (all of it, once) and return the primary keys of all of it."""
    pool = pool_definitions()
    rng = random.Random(POOL_SEED)
    with transaction.atomic():
        for slug, name, short_name, description, complimentary_line in SERIES:
            Series.objects.get_or_create(slug=slug, defaults={
                "name": name, "short_name": short_name, "description": description, "complimentary_line": complimentary_line,
            })
        for slug, name, iso_code in COUNTRIES:
            Country.objects.get_or_create(slug=slug, defaults={"name": name, "iso_code": iso_code})
        countries = dict(Country.objects.values_list("slug", "pk"))

        organizations, new_organizations = _create_missing(
            Organization, pool.organizations,
            lambda d: Organization(name=d.name, slug=d.slug, kind=d.kind, normalized_name=normalize_name(d.name)),
        )
        _aliases(OrganizationAlias, "organization", pool.organizations, organizations, new_organizations)
        through = Organization.countries.through
        by_slug = {d.slug: d for d in pool.organizations}
        through.objects.bulk_create([
            through(organization_id=org.pk, country_id=countries[code])
            for org in new_organizations for code in by_slug[org.slug].countries if code in countries
        ])

        people, new_people = _create_missing(
            Person, pool.people, lambda d: Person(name=d.name, slug=d.slug, normalized_name=normalize_name(d.name))
        )
        _aliases(PersonAlias, "person", pool.people, people, new_people)
        organization_slugs = [d.slug for d in pool.organizations]
        Role.objects.bulk_create([
            Role(person_id=person.pk, organization_id=organizations[rng.choice(organization_slugs)],
                 title=rng.choice(ROLE_TITLES))
            for person in new_people
        ])

        known = {**{slug: fields[2:5] for slug, fields in demo.OUTLETS.items()},
                 **{slug: fields[2:5] for slug, fields in KNOWN_OUTLETS.items()}}
        outlets, new_outlets = _create_missing(
            Outlet, pool.outlets,
            lambda d: Outlet(
                name=d.name, slug=d.slug, kind=d.kind, normalized_name=normalize_name(d.name),
                country_id=countries.get(d.countries[0]) if d.countries else None,
                language=known.get(d.slug, ("", "ar", ""))[1], stance=known.get(d.slug, ("", "ar", ""))[2],
            ),
        )
        _aliases(OutletAlias, "outlet", pool.outlets, outlets, new_outlets)

        tags = dict(Tag.objects.filter(name__in=pool.tags).values_list("name", "pk"))
        for name in pool.tags:
            if name not in tags:
                tags[name] = Tag.objects.create(name=name).pk
    return PoolIds(
        series=dict(Series.objects.values_list("slug", "pk")),
        countries=countries,
        organizations=organizations,
        people=people,
        outlets=outlets,
        tags=tags,
        tiers=dict(Tier.objects.values_list("slug", "pk")),
    )


# --- Reports ------------------------------------------------------------------------------------


@dataclasses.dataclass
class ReportSpec:
    """One report as generated, before it is given a slug, a number and primary keys."""

    title: str
    series: str
    numbered: bool
    summary: str
    body: str
    status: str
    published_at: dt.datetime | None
    tier: str | None
    tags: list
    organizations: list
    people: list
    outlets: list
    countries: list
    # (text, url, outlet slug)
    footnotes: list
    # (person slug or None, organization slug, outlet slug, date, original, translation)
    quotes: list
    body_html: str = ""


def headline(text):
    return " ".join(word[0].upper() + word[1:] for word in text.split())


def _zipf_weights(count, exponent=1.0):
    return [1 / (rank + 1) ** exponent for rank in range(count)]


class ReportMaker:
    """Builds report specs from a seeded random generator; needs no database."""

    def __init__(self, seed, now=None):
        self.rng = random.Random(seed)
        self.now = now or timezone.now()
        self.pool = pool_definitions()
        self.organization_weights = _zipf_weights(len(self.pool.organizations), 0.8)
        self.person_weights = _zipf_weights(len(self.pool.people), 0.7)
        self.outlet_weights = _zipf_weights(len(self.pool.outlets), 0.8)
        self.tag_weights = _zipf_weights(len(self.pool.tags), 0.6)
        self.rare_weights = _zipf_weights(len(RARE_TERMS), 1.1)
        # As a sentence names them: "officials in the United States", "the Gulf region".
        self.country_names = {slug: f"the {name}" if not code or name.endswith(("States", "territories")) else name
                              for slug, name, code in COUNTRIES}
        self.untitled_templates = [t for t in TITLE_TEMPLATES if "{person}" not in t]
        self.unnamed_summaries = [t for t in SUMMARY_TEMPLATES if "{person}" not in t]

    def _pick(self, population, weights, low, high):
        wanted = self.rng.randint(low, high)
        chosen = {}
        while len(chosen) < wanted:
            item = self.rng.choices(population, weights)[0]
            chosen[item.slug if isinstance(item, Entity) else item] = item
        return list(chosen.values())

    def _spelling(self, entity):
        """Mostly the desk's spelling; now and then one a source used."""
        return entity.name if self.rng.random() < 0.7 else self.rng.choice(entity.spellings)

    def _status(self):
        roll = self.rng.random()
        ten_years = 3650 * 86400
        past = self.now - dt.timedelta(seconds=self.rng.randrange(3600, ten_years))
        if roll < 0.03:
            return Report.Status.DRAFT, None
        if roll < 0.04:
            return Report.Status.WITHDRAWN, past
        if roll < 0.05:
            return Report.Status.PUBLISHED, self.now + dt.timedelta(seconds=self.rng.randrange(3600, 60 * 86400))
        return Report.Status.PUBLISHED, past

    def _tier(self):
        roll = self.rng.random()
        return None if roll < 0.15 else "jttm" if roll < 0.7 else "premium"

    def make(self):
        rng = self.rng
        status, published_at = self._status()
        organizations = self._pick(self.pool.organizations, self.organization_weights, 1, 4)
        people = self._pick(self.pool.people, self.person_weights, 0, 3)
        outlets = self._pick(self.pool.outlets, self.outlet_weights, 1, 2)
        countries = list(dict.fromkeys(
            [code for org in organizations for code in org.countries][:2] + [rng.choice(list(self.country_names))]
        ))
        day = (published_at or self.now) - dt.timedelta(days=rng.randint(0, 5))
        person = people[0] if people else None
        target, issue = rng.choice(TARGETS), rng.choice(ISSUES)
        words = {
            "org": self._spelling(organizations[0]),
            "org_caps": organizations[0].name,
            "org2": self._spelling(organizations[-1] if len(organizations) > 1 else rng.choice(self.pool.organizations)),
            "org_spelling": rng.choice(organizations[0].spellings[1:] or organizations[0].spellings),
            "person": self._spelling(person) if person else "the group's spokesman",
            "outlet": self._spelling(outlets[0]),
            "target": headline(target),
            "issue": headline(issue),
            "target_l": target,
            "issue_l": issue,
            "place": rng.choice(PLACES),
            "quote": rng.choice(QUOTE_TEXTS)[1].rstrip("."),
            "date": f"{day:%B} {day.day}, {day.year}",
            "country": self.country_names[countries[0]],
            "weapon": rng.choice(WEAPONS),
            "rare": rng.choices(RARE_TERMS, self.rare_weights)[0],
        }
        title = rng.choice(TITLE_TEMPLATES if person else self.untitled_templates)
        footnote_count = rng.randint(1, 5)
        footnotes = []
        for _ in range(footnote_count):
            template = rng.choice(FOOTNOTE_TEMPLATES)
            outlet = rng.choice(outlets)
            note_day = day - dt.timedelta(days=rng.randint(0, 30))
            where = f" ({self.country_names[outlet.countries[0]].removeprefix('the ')})" if outlet.countries else ""
            text = template.format(**{**words, "outlet": outlet.name, "where": where,
                                      "date": f"{note_day:%B} {note_day.day}, {note_day.year}"})
            url = f"https://t.me/{outlet.slug.replace('-', '_')}/{rng.randint(100, 99999)}" if outlet.kind == "telegram" else ""
            footnotes.append((text, url, outlet.slug))
        body = self._body(words, person is not None, footnote_count, rng.choice(QUOTE_TEXTS))
        quotes = []
        for _ in range(rng.randint(0, 3)):
            original, translation = rng.choice(QUOTE_TEXTS)
            speaker = rng.choice(people) if people and rng.random() < 0.6 else None
            quotes.append((speaker.slug if speaker else None, organizations[0].slug, rng.choice(outlets).slug,
                           day.date(), original, translation))
        return ReportSpec(
            title=title.format(**words)[:300],
            series=rng.choices([slug for slug, *_ in SERIES], [5, 2, 3, 2, 1, 1])[0],
            numbered=rng.random() < 0.6,
            summary=rng.choice(SUMMARY_TEMPLATES if person else self.unnamed_summaries).format(**words),
            body=body,
            status=status,
            published_at=published_at,
            tier=self._tier(),
            tags=self._pick(self.pool.tags, self.tag_weights, 2, 6),
            organizations=[org.slug for org in organizations],
            people=[p.slug for p in people],
            outlets=[o.slug for o in outlets],
            countries=countries,
            footnotes=footnotes,
            quotes=quotes,
        )

    def _body(self, words, has_person, footnote_count, quote):
        """Markdown of 150–400 words in paragraphs and sections, citing each footnote once, in order."""
        rng = self.rng
        target = rng.randint(150, 340)
        templates = [t for t in BODY_SENTENCES if (has_person or "{person}" not in t)
                     and (words["org_spelling"] != words["org"] or "{org_spelling}" not in t)]
        sentences, count = [], 0
        for template in rng.sample(templates, len(templates)):
            if count >= target:
                break
            words["rare"] = rng.choices(RARE_TERMS, self.rare_weights)[0]
            sentence = template.format(**words)
            sentences.append(sentence[0].upper() + sentence[1:])
            count += len(sentence.split())
        for marker, index in enumerate(sorted(rng.sample(range(len(sentences)), footnote_count)), start=1):
            sentences[index] += f"[{marker}]"
        blocks, quoted = [], rng.random() > 0.25
        while sentences:
            if blocks and rng.random() < 0.3:
                blocks.append(f"## {rng.choice(HEADINGS)}")
            size = rng.randint(2, 4)
            blocks.append(" ".join(sentences[:size]))
            del sentences[:size]
            if not quoted and rng.random() < 0.5:
                quoted = True
                blocks.append(f'{quote[0]}\n{{: dir="rtl" lang="ar" }}')
                blocks.append(f"> \u201c{quote[1]}\u201d")
        return "\n\n".join(blocks) + "\n"

    def __iter__(self) -> Iterator[ReportSpec]:
        while True:
            yield self.make()


# --- Writing ------------------------------------------------------------------------------------


class SlugAllocator:
    """Slugs from titles, unique within the run and against the reports already in the database."""

    def __init__(self):
        self.taken = set()
        self.next_suffix = {}

    def _next(self, base):
        suffix = self.next_suffix.get(base, 1)
        slug = base if suffix == 1 else f"{base}-{suffix}"
        while slug in self.taken:
            suffix += 1
            slug = f"{base}-{suffix}"
        self.next_suffix[base] = suffix + 1
        self.taken.add(slug)
        return slug

    def allocate(self, titles):
        bases = [short_slug(title) for title in titles]
        slugs = [self._next(base) for base in bases]
        while True:
            clashes = set(Report.objects.filter(slug__in=slugs).values_list("slug", flat=True))
            if not clashes:
                return slugs
            slugs = [self._next(base) if slug in clashes else slug for base, slug in zip(bases, slugs)]


def write_batch(specs, ids, slugs, numbers, content_type_id):
    """Insert the reports and everything they carry; return the new reports."""
    reports = Report.objects.bulk_create([
        Report(
            title=spec.title, slug=slug, series_id=ids.series[spec.series], number=number, summary=spec.summary,
            body=spec.body, body_html=spec.body_html, status=spec.status,
            published_at=spec.published_at, required_tier_id=ids.tiers[spec.tier] if spec.tier else None,
        )
        for spec, slug, number in zip(specs, slugs, numbers)
    ])
    Footnote.objects.bulk_create([
        Footnote(report_id=report.pk, position=position, text=text, url=url, outlet_id=ids.outlets[outlet])
        for report, spec in zip(reports, specs)
        for position, (text, url, outlet) in enumerate(spec.footnotes, start=1)
    ])
    quotes = Quote.objects.bulk_create([
        Quote(person_id=ids.people[person] if person else None, organization_id=ids.organizations[organization],
              outlet_id=ids.outlets[outlet], said_on=said_on, original_language="ar", original_text=original,
              translation=translation)
        for spec in specs for person, organization, outlet, said_on, original, translation in spec.quotes
    ])
    quote_pks = iter(quote.pk for quote in quotes)
    ReportQuote.objects.bulk_create([
        ReportQuote(report_id=report.pk, quote_id=next(quote_pks), position=position)
        for report, spec in zip(reports, specs) for position in range(1, len(spec.quotes) + 1)
    ])
    for field, attribute, key in [
        ("organizations", "organization_id", ids.organizations),
        ("people", "person_id", ids.people),
        ("outlets", "outlet_id", ids.outlets),
        ("countries", "country_id", ids.countries),
    ]:
        through = getattr(Report, field).through
        through.objects.bulk_create([
            through(report_id=report.pk, **{attribute: key[slug]})
            for report, spec in zip(reports, specs) for slug in getattr(spec, field)
        ])
    TaggedItem.objects.bulk_create([
        TaggedItem(content_type_id=content_type_id, object_id=report.pk, tag_id=ids.tags[name])
        for report, spec in zip(reports, specs) for name in spec.tags
    ])
    return reports


def next_numbers(series_pks):
    """The next free number of each numbered series."""
    highest = dict(Report.objects.values_list("series_id").annotate(Max("number")))
    return {slug: max(start, highest.get(series_pks[slug]) or 0) + 1 for slug, start in NUMBERED_SERIES.items()}


@dataclasses.dataclass
class Progress:
    """
    How far a run has come, and where the time went: making the reports (in this process), and,
    summed over the workers, rendering and writing them, and computing their search documents.
    """

    done: int
    total: int
    elapsed: float = 0.0
    made_seconds: float = 0.0
    written_seconds: float = 0.0
    indexed_seconds: float = 0.0


def write_and_index(specs, slugs, numbers, ids, content_type_id):
    """One batch in one transaction: render, insert, index. Returns (seconds writing, seconds indexing)."""
    started = time.perf_counter()
    with transaction.atomic():
        for spec in specs:
            spec.body_html = render_markdown(spec.body)
        reports = write_batch(specs, ids, slugs, numbers, content_type_id)
        indexing = time.perf_counter()
        index_reports(Report.objects.filter(pk__in=[report.pk for report in reports]))
    return indexing - started, time.perf_counter() - indexing


def generate_corpus(
    count: int,
    *,
    seed: int | str,
    batch_size: int = 1000,
    workers: int = 1,
    progress: Callable[[Progress], None] | None = None,
) -> Progress:
    """
    Write `count` reports in batches, each batch one transaction, indexed for search as it goes.

    This process makes the reports and gives them slugs and numbers, so the result does not depend
    on `workers`; with more than one, worker processes (each with its own connection) render,
    write and index the batches side by side. Several writers need PostgreSQL.
    """
    started = time.perf_counter()
    ids = ensure_pool()
    numbers = next_numbers(ids.series)
    content_type_id = ContentType.objects.get_for_model(Report).pk
    slugs = SlugAllocator()
    maker = ReportMaker(seed)
    state = Progress(0, count)

    def batches():
        for first in range(0, count, batch_size):
            making = time.perf_counter()
            specs = [maker.make() for _ in range(min(batch_size, count - first))]
            batch_numbers = []
            for spec in specs:
                if spec.numbered and spec.series in numbers:
                    batch_numbers.append(numbers[spec.series])
                    numbers[spec.series] += 1
                else:
                    batch_numbers.append(None)
            batch_slugs = slugs.allocate([spec.title for spec in specs])
            state.made_seconds += time.perf_counter() - making
            yield specs, batch_slugs, batch_numbers, ids, content_type_id

    def done(size, seconds):
        state.done += size
        state.written_seconds += seconds[0]
        state.indexed_seconds += seconds[1]
        state.elapsed = time.perf_counter() - started
        if progress:
            progress(state)

    if workers <= 1:
        for batch in batches():
            done(len(batch[0]), write_and_index(*batch))
        return state

    # Workers are forked with no connection open, so that none shares this process's.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        pool.submit(time.sleep, 0).result()
        pending = collections.deque()
        for batch in batches():
            pending.append((len(batch[0]), pool.submit(write_and_index, *batch)))
            while len(pending) > workers or (pending and pending[0][1].done()):
                size, future = pending.popleft()
                done(size, future.result())
        while pending:
            size, future = pending.popleft()
            done(size, future.result())
    return state
