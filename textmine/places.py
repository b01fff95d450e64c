"""Word lists for ``redact``: organisations and places that stay, common personal names, and the
small sets of words the name and number rules look at. Data only."""

from __future__ import annotations

REGIONS = ("Region Hovedstaden", "Region Sjælland", "Region Syddanmark", "Region Midtjylland",
           "Region Nordjylland")

# The 98 municipalities (kommuner) since 2007.
MUNICIPALITIES = (
    # Hovedstaden
    "Albertslund", "Allerød", "Ballerup", "Bornholm", "Brøndby", "Dragør", "Egedal", "Fredensborg",
    "Frederiksberg", "Frederikssund", "Furesø", "Gentofte", "Gladsaxe", "Glostrup", "Gribskov", "Halsnæs",
    "Helsingør", "Herlev", "Hillerød", "Hvidovre", "Høje-Taastrup", "Hørsholm", "Ishøj", "København",
    "Lyngby-Taarbæk", "Rudersdal", "Rødovre", "Tårnby", "Vallensbæk",
    # Sjælland
    "Faxe", "Greve", "Guldborgsund", "Holbæk", "Kalundborg", "Køge", "Lejre", "Lolland", "Næstved",
    "Odsherred", "Ringsted", "Roskilde", "Slagelse", "Solrød", "Sorø", "Stevns", "Vordingborg",
    # Syddanmark
    "Assens", "Billund", "Esbjerg", "Fanø", "Fredericia", "Faaborg-Midtfyn", "Haderslev", "Kerteminde",
    "Kolding", "Langeland", "Middelfart", "Nordfyn", "Nyborg", "Odense", "Svendborg", "Sønderborg",
    "Tønder", "Varde", "Vejen", "Vejle", "Ærø", "Aabenraa",
    # Midtjylland
    "Favrskov", "Hedensted", "Herning", "Holstebro", "Horsens", "Ikast-Brande", "Lemvig", "Norddjurs",
    "Odder", "Randers", "Ringkøbing-Skjern", "Samsø", "Silkeborg", "Skanderborg", "Skive", "Struer",
    "Syddjurs", "Viborg", "Aarhus",
    # Nordjylland
    "Brønderslev", "Frederikshavn", "Hjørring", "Jammerbugt", "Læsø", "Mariagerfjord", "Morsø", "Rebild",
    "Thisted", "Vesthimmerland", "Aalborg",
)

# Towns, parts of towns and parts of the country respondents name.
DANISH_PLACES = (
    "Danmark", "Grønland", "Færøerne", "Jylland", "Sjælland", "Fyn", "Sønderjylland", "Nordjylland",
    "Midtjylland", "Østjylland", "Vestjylland", "Sydjylland", "Nordsjælland", "Vestsjælland", "Sydsjælland",
    "Midtsjælland", "Lolland-Falster", "Falster", "Amager", "Vestegnen", "Djursland", "Himmerland", "Thy",
    "Vendsyssel", "Hovedstadsområdet", "Storkøbenhavn", "Kbh", "Cph", "Copenhagen", "Lyngby", "Taastrup",
    "Ikast", "Brande", "Ringkøbing", "Skjern", "Nakskov", "Maribo", "Nykøbing", "Grenaa", "Ebeltoft",
    "Hadsten", "Hinnerup", "Kastrup", "Valby", "Vanløse", "Brønshøj", "Nørrebro", "Vesterbro", "Østerbro",
    "Sydhavnen", "Bispebjerg", "Husum", "Tingbjerg", "Gellerup", "Hasle", "Viby", "Brabrand", "Vollsmose",
    "Avedøre", "Hundige", "Ølby", "Nørresundby", "Munkebo", "Haslev", "Korsør", "Skælskør", "Ribe",
    "Brørup", "Rødding", "Grindsted", "Tarm", "Kalvehave", "Helsinge", "Frederiksværk", "Hundested",
    "Farum", "Birkerød", "Holte", "Charlottenlund", "Hellerup", "Kongens", "Mjølnerparken", "Bispehaven",
    "Skovparken", "Munkegårdsparken", "Sydhavn", "Christiansborg", "Ørestad", "Herlufsholm",
)

# Towns of some size, parts of the big towns and the islands.
TOWNS = (
    "Hørsholm", "Ølstykke", "Stenløse", "Smørum", "Smørumnedre", "Nykøbing Falster", "Nykøbing Mors",
    "Nykøbing Sjælland", "Greve Strand", "Solrød Strand", "Brøndby Strand", "Lillerød", "Kokkedal", "Nivå",
    "Hobro", "Skagen", "Aars", "Hadsund", "Hammel", "Ry", "Galten", "Vojens", "Rødekro", "Padborg", "Kruså",
    "Gråsten", "Nordborg", "Bogense", "Faaborg", "Ringe", "Otterup", "Rudkøbing", "Marstal", "Ærøskøbing",
    "Stege", "Præstø", "Sakskøbing", "Rødby", "Asnæs", "Jyderup", "Tølløse", "Dianalund", "Fakse", "Rønne",
    "Nexø", "Allinge", "Måløv", "Værløse", "Virum", "Nærum", "Bagsværd", "Søborg", "Klampenborg", "Vedbæk",
    "Rungsted", "Humlebæk", "Espergærde", "Snekkersten", "Gilleleje", "Hornbæk", "Jægerspris", "Slangerup",
    "Amagerbro", "Islands Brygge", "Christianshavn", "Nordvest", "Urbanplanen", "Skovgårdsparken", "Trige",
    "Tilst", "Højbjerg", "Risskov", "Lystrup", "Åbyhøj", "Korsløkke", "Bolbro", "Dalum", "Tarup", "Hasseris",
    "Vejgaard", "Aalborg Øst", "Vestbyen", "Østbyen", "Nordbyen", "Sydbyen", "Midtbyen", "Indre By", "Centrum",
    "Møn", "Tåsinge", "Als", "Mors", "Fur", "Anholt", "Rømø", "Thurø", "Omø", "Agersø", "Venø", "Strynø",
    "Endelave", "Tunø", "Orø", "Sejerø", "Christiansø", "Thyborøn", "Hvide Sande", "Give", "Bjerringbro",
    "Kjellerup", "Brædstrup", "Juelsminde", "Tørring", "Vamdrup", "Lunderskov", "Christiansfeld", "Toftlund",
    "Skærbæk", "Løgstør", "Nibe", "Støvring", "Sæby", "Frederiksværk", "Vinderup", "Sunds", "Aulum",
)

COUNTRIES_AND_CITIES = (
    "Pakistan", "Somalia", "Somaliland", "Irak", "Syrien", "Tyrkiet", "Libanon", "Afghanistan", "Marokko",
    "Iran", "Eritrea", "Etiopien", "Sudan", "Egypten", "Jordan", "Palæstina", "Gaza", "Israel", "Algeriet",
    "Tunesien", "Libyen", "Yemen", "Jemen", "Saudi-Arabien", "Saudiarabien", "Kuwait", "Qatar", "Emiraterne",
    "Indien", "Bangladesh", "Sri Lanka", "Nepal", "Kosovo", "Albanien", "Bosnien", "Serbien", "Makedonien",
    "Nordmakedonien", "Tjetjenien", "Rusland", "Ukraine", "Polen", "Rumænien", "Bulgarien", "Kurdistan",
    "Gambia", "Nigeria", "Ghana", "Kenya", "Uganda", "Congo", "Kongo", "Tanzania", "Vietnam",
    "Thailand", "Filippinerne", "Kina", "Tyskland", "Sverige", "Norge", "Finland", "Island", "Holland",
    "Nederlandene", "Belgien", "Frankrig", "England", "Storbritannien", "Skotland", "Irland", "Spanien",
    "Italien", "Grækenland", "Schweiz", "Østrig", "USA", "Canada", "Europa", "Mellemøsten", "Afrika", "Asien",
    "Nordafrika", "Balkan", "EU", "Istanbul", "Ankara", "Izmir", "Karachi", "Lahore", "Islamabad", "Gujrat",
    "Mogadishu", "Hargeisa", "Bagdad", "Basra", "Erbil", "Mosul", "Damaskus", "Aleppo", "Beirut", "Kabul",
    "Herat", "Teheran", "Rabat", "Casablanca", "Tanger", "Nador", "Tunis", "Kairo", "Amman", "Asmara",
    "London", "Berlin", "Hamborg", "Stockholm", "Göteborg", "Malmø", "Malmö", "Oslo", "Paris", "Dubai",
    "Mekka", "Medina", "Duhok", "Dohuk", "Sulaymaniyah", "Sulaimani", "Kirkuk", "Qamishli", "Homs", "Hama",
    "Latakia", "Idlib", "Raqqa", "Kismayo", "Baidoa", "Bosaso", "Garowe", "Burao", "Jalalabad", "Kandahar",
    "Mazar-i-Sharif", "Peshawar", "Rawalpindi", "Faisalabad", "Multan", "Sialkot", "Gujranwala", "Mirpur",
    "Diyarbakir", "Diyarbakır", "Gaziantep", "Konya", "Kayseri", "Adana", "Mersin", "Antalya", "Bursa",
    "Mardin", "Urfa", "Şanlıurfa", "Tetouan", "Oujda", "Fes", "Marrakech", "Agadir", "Tripoli", "Saida",
    "Nablus", "Hebron", "Ramallah", "Jenin", "Mashhad", "Isfahan", "Tabriz", "Shiraz", "Qom", "Keren",
    "Addis Abeba", "Khartoum", "Punjab", "Sindh",
)

ORGANISATIONS = (
    "SIRI", "MÆRK", "Kriminalforsorgen", "Familieretshuset", "Udlændingestyrelsen", "Politiet",
    "Rigspolitiet", "PET", "LOKK", "Røde Kors", "Danner", "VIVE", "Barnets Lov", "Serviceloven", "SSP",
    "PPR", "Ankestyrelsen", "Socialstyrelsen", "Social- og Boligstyrelsen", "Udlændinge- og",
    "Integrationsministeriet", "Social- og Boligministeriet", "Justitsministeriet", "Folketinget",
    "Styrelsen for International Rekruttering og Integration", "STAR", "Exitcirklen", "Sabaah",
    "Etnisk Ung", "Bydelsmødre", "Bydelsmødrene", "Joannahuset", "Askovgården", "Mødrehjælpen",
    "Børns Vilkår", "Red Barnet", "Dansk Flygtningehjælp", "Center for Voldsramte", "Dialog mod Vold",
    "Lev Uden Vold", "Reden", "Børnehus", "Børnehuset", "Børnehusene", "Statsforvaltningen", "Familieretten",
    "Byretten", "Landsretten", "Højesteret", "Anklagemyndigheden", "Rigsadvokaten", "Udlændingenævnet",
    "Flygtningenævnet", "Sundhedsstyrelsen", "Psykiatrien", "Rigshospitalet", "Hvidovre Hospital", "OUH",
    "AUH", "Skejby", "KL", "Kommunernes Landsforening", "Danske Regioner", "UU", "Ungdommens",
    "Uddannelsesvejledning", "Jobcenter", "Jobcentret", "Jobcenteret", "VISO", "Socialtilsyn",
    "Socialtilsynet", "Institut for Menneskerettigheder", "Rådet for Etniske Minoriteter",
    "Center mod Menneskehandel", "Kirkens Korshær", "Frelsens Hær", "KFUM", "KFUK", "Absalon", "VIA",
    "UCL", "UC Syd", "Københavns Professionshøjskole", "Aarhus Universitet", "SDU", "RUC", "AAU", "DR",
    "TV2", "Nordsjællands Politi", "Midt- og Vestjyllands Politi", "Sydøstjyllands Politi", "Fyns Politi",
    "Syd- og Sønderjyllands Politi", "Østjyllands Politi", "Nordjyllands Politi", "Københavns Politi",
    "Københavns Vestegns Politi", "Midt- og Vestsjællands Politi", "Sydsjællands og Lolland-Falsters Politi",
    "Bornholms Politi", "Region", "Kommune", "Kommunen", "Hotline", "Hotlinen", "Kvindekrisecenter",
    "Krisecenter", "Dannerhuset", "Mændenes Hjem", "Blå Kors", "Headspace", "Livslinien", "Børnetelefonen",
    "Forældretelefonen", "Sikkerhedskonsulent", "Sikkerhedskonsulenterne", "Familiehuset", "Ungdomsskolen",
    "Socialforvaltningen", "Borgerservice", "Udbetaling Danmark", "Skat", "DUBU", "Nexus", "KMD",
)

# Systems, platforms and brands respondents write with a capital letter.
PLATFORMS = (
    "Facebook", "Instagram", "Snapchat", "TikTok", "WhatsApp", "Messenger", "Viber", "Telegram", "Signal",
    "YouTube", "Twitter", "Google", "Teams", "Zoom", "Skype", "Outlook", "Microsoft", "Word", "Excel",
    "PowerPoint", "iPhone", "Android", "Aula", "MitID", "NemID", "e-Boks", "eBoks", "Borger", "Covid",
    "Corona", "SurveyXact", "Uddannelsesguiden", "Google Translate", "Digital Post", "Netflix", "Spotify",
    "Discord", "Momentum", "Fasit", "Sensum", "Cura", "EG", "Acadre", "Workzone", "Sbsys", "Ludo",
)

# Holidays, faiths, family law, conventions, and names of days and months, capitalised in some answers.
CALENDAR = (
    "Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag", "Lørdag", "Søndag", "Januar", "Februar", "Marts",
    "April", "Maj", "Juni", "Juli", "August", "September", "Oktober", "November", "December", "Jul",
    "Julen", "Påske", "Påsken", "Pinse", "Ramadan", "Ramadanen", "Eid", "Bajram", "Nytår", "Islam",
    "Koranen", "Allah", "Gud", "Kristendom", "Muslim", "Muslimer", "Sharia", "Imam", "Imamen",
    "Talaq", "Khula", "Nikah", "Mahr", "Halal", "Haram", "Hijab", "Niqab", "Burka", "Mahram", "Fatwa",
    "Haagerkonventionen", "Istanbulkonventionen", "Børnekonventionen", "FN", "FN's",
)

# Common first names in Denmark, including those common among the families the respondents meet.
FIRST_NAMES = (
    # Danish women
    "Anne", "Mette", "Kirsten", "Hanne", "Anna", "Helle", "Susanne", "Lene", "Maria", "Marianne", "Lone",
    "Camilla", "Pia", "Louise", "Charlotte", "Tina", "Gitte", "Bente", "Jette", "Karen", "Inge", "Rikke",
    "Pernille", "Birgitte", "Dorte", "Lise", "Julie", "Ida", "Emma", "Sofie", "Sofia", "Freja", "Ella",
    "Clara", "Laura", "Alma", "Karla", "Agnes", "Mathilde", "Caroline", "Josefine", "Cecilie", "Line",
    "Maja", "Malene", "Trine", "Christina", "Katrine", "Karina", "Stine", "Heidi", "Ulla", "Vibeke", "Grete",
    "Birthe", "Lotte", "Sanne", "Nanna", "Signe", "Sara", "Sarah", "Emilie", "Amalie", "Marie", "Eva",
    "Hanna", "Hannah", "Ane", "Åse", "Ellen", "Mia", "Nina", "Lærke", "Astrid", "Vera", "Merete", "Tove",
    "Jytte", "Ruth", "Gurli", "Dorthe", "Annette", "Anette", "Janne", "Kristina", "Mona", "Connie",
    "Gry", "Lykke", "Sol", "Liv", "Mille", "Frida", "Ronja", "Silje", "Tilde", "Alberte", "Esther", "Olivia",
    "Isabella", "Nora", "Luna", "Lea", "Sigrid", "Filippa", "Viola", "Rosa", "Vigga", "Bodil", "Solveig",
    "Ingrid", "Gudrun", "Else", "Edith", "Inger", "Birte", "Jane", "Susan", "Vivi", "Lis", "Lisbeth",
    "Henriette", "Ditte", "Sidsel", "Nathalie", "Natasja", "Michelle", "Jeanette", "Tanja", "Katja", "Anja",
    "Maiken", "Asta", "Ebba", "Selma", "Mira", "Thea", "Mathea", "Ea", "Johanne", "Kamilla",
    # Danish men
    "Peter", "Jens", "Lars", "Michael", "Henrik", "Thomas", "Søren", "Jan", "Niels", "Christian", "Martin",
    "Jørgen", "Hans", "Anders", "Morten", "Jesper", "Ole", "Per", "Erik", "Mads", "Rasmus", "Kim", "Mikkel",
    "Frederik", "Kasper", "Jacob", "Jakob", "Mathias", "Emil", "Oliver", "William", "Noah", "Lucas",
    "Victor", "Magnus", "Malthe", "Oscar", "Carl", "Karl", "Aksel", "Alfred", "Valdemar", "Bo", "Torben",
    "Steen", "Flemming", "Poul", "Bjørn", "Brian", "Claus", "Kenneth", "Allan", "Carsten", "Finn", "Jonas",
    "Simon", "Tobias", "Sebastian", "Nikolaj", "Andreas", "Daniel", "Jonathan", "Benjamin", "Alexander",
    "Kristian", "Klaus", "Preben", "Palle", "Svend", "Bent", "Knud", "Ib", "Tage", "Johannes", "Ulrik",
    "Rune", "Thor", "Asger", "Esben", "Troels", "Kåre", "Lasse", "Johan", "Otto", "Villads", "Storm",
    "Frej", "Birk", "Bertram", "Arthur", "Elias", "August", "Anton", "Viggo", "Felix", "Hugo", "Theo",
    "Vilhelm", "Sigurd", "Holger", "Gunnar", "Leif", "Arne", "Kurt", "Egon", "Erling", "Verner", "Vagn",
    "Aage", "Kaj", "Kjeld", "Henning", "Bjarne", "Jeppe", "Mikael", "René", "Dennis", "Kristoffer", "Ebbe",
    "Nicolai", "Marcus", "Patrick", "Philip", "Lukas", "Sander", "Lauge", "Gustav", "Albert", "Laurits",
    # Common among clients (Arabic, Turkish, Kurdish, Somali, Pakistani, Afghan, Iranian, Eritrean names)
    "Ahmed", "Ahmad", "Ahmet", "Mohammed", "Mohammad", "Mohamed", "Muhammad", "Mohamad", "Mehmet", "Ali",
    "Hassan", "Hussein", "Husein", "Hussain", "Omar", "Umar", "Yusuf", "Youssef", "Yousef", "Ibrahim",
    "Mustafa", "Mostafa", "Khalid", "Khaled", "Karim", "Kareem", "Hamza", "Bilal", "Tariq", "Imran",
    "Abdullah", "Abdul", "Abdi", "Abdirahman", "Abdirizak", "Mahmoud", "Mahmud", "Samir", "Sami", "Said",
    "Saeed", "Walid", "Jamal", "Nasser", "Rashid", "Faisal", "Amir", "Emre", "Murat", "Mehmed", "Hasan",
    "Hüseyin", "Yasin", "Yasir", "Zakaria", "Idris", "Isa", "Musa", "Adam", "Ayoub", "Ismail", "Osman",
    "Farah", "Mohamud", "Abdikarim", "Reza", "Mehdi", "Hamid", "Javad", "Arash", "Dawit", "Yonas",
    "Fatima", "Fatma", "Aisha", "Aysha", "Ayse", "Ayşe", "Yasmin", "Yasmine", "Jasmin", "Zainab", "Zeynep",
    "Amina", "Aminah", "Mariam", "Maryam", "Meryem", "Khadija", "Hadija", "Leila", "Leyla", "Lejla",
    "Nour", "Noor", "Nur", "Sana", "Sanaa", "Hiba", "Huda", "Hodan", "Hawa", "Hibo", "Asha", "Sahra",
    "Samira", "Samia", "Salma", "Sabrina", "Rania", "Dina", "Lina", "Rana", "Nadia", "Nadja", "Iman",
    "Esra", "Elif", "Merve", "Büşra", "Busra", "Dilan", "Rojda", "Berfin", "Zehra", "Hatice", "Emine",
    "Shirin", "Shirien", "Parisa", "Maryan", "Ayan", "Fardowsa", "Ifrah", "Malika", "Zahra", "Soraya",
    "Rukhsana", "Nasreen", "Nasrin", "Shabana", "Sadia", "Saima", "Ayesha", "Bushra", "Hira", "Mahnoor",
    "Aya", "Jana", "Ranya", "Hajar", "Safa", "Marwa", "Asma", "Rahma", "Habiba", "Helen", "Selam", "Mo",
)

SURNAMES = (
    "Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen", "Rasmussen",
    "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Christiansen", "Poulsen",
    "Johansen", "Møller", "Mortensen", "Knudsen", "Jakobsen", "Jacobsen", "Mikkelsen", "Olesen",
    "Frederiksen", "Laursen", "Henriksen", "Lund", "Schmidt", "Eriksen", "Holm", "Kristiansen", "Clausen",
    "Simonsen", "Svendsen", "Andreasen", "Iversen", "Jeppesen", "Mogensen", "Jespersen", "Nissen",
    "Lauridsen", "Kjær", "Kjærgaard", "Østergaard", "Vestergaard", "Nørgaard", "Dahl", "Skov", "Bak",
    "Dam", "Bach", "Berg", "Bech", "Krog", "Ravn", "Lind", "Juhl", "Hald", "Bundgaard", "Frandsen",
    "Vinther", "Friis", "Bøgh", "Kofoed", "Høj", "Bang", "Brandt", "Winther", "Storm", "Koch", "Munk",
    "Khan", "Hussain", "Hussein", "Ahmed", "Ali", "Hassan", "Mohamed", "Yilmaz", "Kaya", "Demir", "Şahin",
    "Sahin", "Çelik", "Celik", "Öztürk", "Ozturk", "Aydin", "Arslan", "Abdi", "Warsame", "Farah",
    "Hosseini", "Ahmadi", "Rezaei", "Mohammadi", "Karimi", "Haidari", "Nazari", "Al-Khatib", "Khalil",
    "Saleh", "Ibrahim", "Osman", "Omar", "Mahmoud", "Aziz", "Rahman", "Iqbal", "Butt", "Malik", "Shah",
)

# Last parts of Danish street names ("Vestergade", "Birkevænget", "Åboulevarden").
STREET_SUFFIXES = (
    "vej", "vejen", "gade", "gaden", "allé", "alle", "stræde", "strædet", "vænget", "vænge", "parken", "park",
    "plads", "pladsen", "torv", "torvet", "boulevard", "boulevarden", "haven", "have", "høj", "højen", "bakke",
    "bakken", "toft", "toften", "stien", "vang", "vangen", "engen", "lund", "lunden", "kær", "kæret", "marken",
    "hegnet", "gården", "kajen", "dalen", "løkke", "løkken", "krogen", "agre",
)

# Words before a street name: "Gammel Kongevej", "Sønder Allé" (regular expressions).
STREET_PREFIXES = ("Gammel", r"Gl\.", "Ny", "Nørre", "Søndre", "Sønder", "Vester", "Vestre", "Øster", "Østre",
                   "Nordre", "Store", "Lille", "Sankt", r"Skt\.")

# A capitalised word next to a word ending in one of these names a place or an institution
# ("Kofoeds Skole", "Jobcenter Ravnsø", "Sygehus Lillebælt").
INSTITUTION_WORDS = (
    "kommune", "kommunes", "region", "politi", "skole", "skolen", "gymnasium", "gymnasiet", "hospital",
    "hospitalet", "sygehus", "station", "rådhus", "kirke", "moské", "moske", "jobcenter", "krisecenter",
    "børnehus", "ungdomsskole", "efterskole", "friskole", "højskole", "universitet", "kollegium", "bibliotek",
    "strand", "havn", "center", "centret", "centeret", "hotel", "kaserne",
)

# An unknown word first in a sentence and followed by one of these is its subject, so a name:
# "Halima blev truet", "Abdulkadir har ikke været i skole".
SUBJECT_VERBS = frozenset((
    "er", "var", "har", "havde", "blev", "bliver", "kan", "kunne", "skal", "skulle", "vil", "ville", "må",
    "måtte", "fik", "får", "gik", "går", "kom", "kommer", "sagde", "siger", "fortalte", "fortæller", "ringede",
    "ringer", "bor", "boede", "og", "tog", "gav", "ved", "vidste", "så", "ønsker", "ønskede", "skrev", "mødte",
    "nægter", "nægtede", "turde", "tør", "flyttede", "rejste", "løb",
))

# First names that are also words a sentence often starts with ("Hans mor", "Per måned", "Lykke er ...").
WORDS_FIRST = frozenset((
    "hans", "per", "bo", "tage", "ane", "helen", "kim", "storm", "trine", "lise", "karl", "aksel", "svend",
    "lærke", "helle", "rune", "mo", "lykke", "sol", "liv", "gry", "birk", "else", "august", "ebbe", "vagn",
    "kaj", "ea", "lis", "frej", "rosa", "viola", "thor",
))

# Before these a bare 8-digit number is a case, journal or company number, not a phone number.
CASE_NUMBER_WORDS = (
    "sag", "sagen", "sagsnr", "sagsnummer", "sagsnummeret", r"j\.? ?nr", "jnr", "journalnr", "journalnummer",
    "journalnummeret", "løbenr", "løbenummer", "løbenummeret", "cvr", "cvr-?nr", "cvr-?nummer", "se-?nr",
    "p-?nr", "ean", "ref", "id", "nr", "kontonr", "kontonummer", "fakturanr", "fakturanummer", "ordrenr",
    "elevnr", "medarbejdernr",
)

# Lower-case lookup sets used by ``redact``. A phrase allows each of its words ("Region Midtjylland").
ALLOWED = frozenset(
    w.lower()
    for group in (REGIONS, MUNICIPALITIES, DANISH_PLACES, TOWNS, COUNTRIES_AND_CITIES, ORGANISATIONS, PLATFORMS,
                  CALENDAR)
    for phrase in group for w in phrase.replace("-", " ").split() + [phrase] if len(w) > 1)
FIRST_NAMES_LOWER = frozenset(n.lower() for n in FIRST_NAMES)
NAMES = FIRST_NAMES_LOWER | {n.lower() for n in SURNAMES}
