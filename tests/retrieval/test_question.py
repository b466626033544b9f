"""retrieval.question: what a question asks, and which of its names the answer's letter must hold."""
from __future__ import annotations

import pytest

from retrieval.crosslingual import EnglishToChinese
from retrieval.lexicon import Segmenter
from retrieval.question import QuestionAnalyser


@pytest.fixture(scope="module")
def analyser(tmp_path_factory: pytest.TempPathFactory) -> QuestionAnalyser:
    dictionary = EnglishToChinese()  # a few seconds: the whole reverse index
    segmenter = Segmenter(tmp_path_factory.mktemp("jieba") / "jieba.cache")
    return QuestionAnalyser(segmenter, lambda: dictionary, known=lambda word: True)


def test_an_english_place_the_dictionary_renders_must_be_in_the_letter(analyser: QuestionAnalyser) -> None:
    question = analyser.analyse("How many hospitals does the plan build in Guangzhou?")
    assert question.english
    assert any("广州" in place.alternatives for place in question.places)


def test_a_romanised_name_the_dictionary_cannot_render_is_no_place_check(analyser: QuestionAnalyser) -> None:
    # A made-up township: nothing in a Chinese letter could match the Latin spelling.
    question = analyser.analyse("How many new bus routes did the Qiaoxiwen township open in Guangzhou?")
    assert all(not all(alt.isascii() for alt in place.alternatives) for place in question.places)
    assert any("广州" in place.alternatives for place in question.places)


@pytest.mark.parametrize("question, years", [
    ("粤科函〔2023〕112号里，新认定了多少家企业？", set()),          # the 文号's year names the letter, not a year asked
    ("粤科函[2023]112号里，2022年新认定了多少家企业？", {"2022"}),
    ("2023年新认定了多少家企业？", {"2023"}),
])
def test_the_year_of_a_letters_number_is_not_a_year_asked(analyser: QuestionAnalyser, question: str, years: set) -> None:
    assert analyser.analyse(question).years == years


def test_a_chinese_place_and_year_are_anchors(analyser: QuestionAnalyser) -> None:
    question = analyser.analyse("2021年杭州市新建了多少所学校？")
    assert "2021" in question.years
    assert any("杭州" in place.source for place in question.places)
    assert question.kind == "quantity"


@pytest.mark.parametrize(("text", "kind"), [
    ("新区去年引进了几家企业？", "quantity"),
    ("新区去年引进的是哪几家企业？", "list"),
    ("哪几个街道完成了改造？", "list"),
])
def test_which_ones_asks_for_a_list_and_how_many_for_a_figure(analyser: QuestionAnalyser, text: str, kind: str) -> None:
    assert analyser.analyse(text).kind == kind


@pytest.mark.parametrize(("text", "kind"), [
    ("How much is the monthly subsidy for village doctors in Heshan county?", "money"),
    ("How much did the county invest in the new ferry?", "money"),
    ("How much will each household be paid for its land?", "money"),
    ("By how much did losses fall in the areas the storage subsidy covers?", "quantity"),
    ("How many villages received a subsidy?", "quantity"),
])
def test_how_much_of_a_money_word_asks_for_money_as_its_chinese_does(analyser: QuestionAnalyser, text: str,
                                                                     kind: str) -> None:
    """补贴多少 asks for money (a subsidy given per head and month is an answer), so does how much … subsidy."""
    assert analyser.analyse(text).kind == kind


@pytest.mark.parametrize(("spoken", "written"), [
    ("新图书馆啥时候开工？", "新图书馆什么时候开工？"),
    ("新图书馆为啥还没开工？", "新图书馆为什么还没开工？"),
    ("新图书馆的经费咋解决？", "新图书馆的经费怎么解决？"),
    ("新图书馆建在啥地方？", "新图书馆建在什么地方？"),
])
def test_spoken_question_words_ask_what_the_written_ones_do(analyser: QuestionAnalyser, spoken: str, written: str) -> None:
    # 啥 for 什么, 为啥 for 为什么, 咋 for 怎么: the same kind of answer, and no topic word of their own
    spoken_question = analyser.analyse(spoken)
    assert spoken_question.kind == analyser.analyse(written).kind
    assert not [g.source for g in spoken_question.groups if "啥" in g.source or "咋" in g.source]


@pytest.mark.parametrize(("question", "idea", "not_an_idea"), [
    ("华容县现在一共有多少处电排站？", "电排", "处电排"),      # jieba glued the measure word to the thing counted
    ("光山县2017年查了多少起酒驾？", "酒驾", "年查"),          # and a year's 年 to the verb after it
])
def test_a_counting_phrase_or_a_year_is_no_part_of_the_idea_after_it(analyser: QuestionAnalyser, question: str,
                                                                     idea: str, not_an_idea: str) -> None:
    sources = [group.source for group in analyser.analyse(question).groups]
    assert idea in sources and not_an_idea not in sources, sources


@pytest.mark.parametrize(("question", "field"), [
    ("对这份答复有意见，该联系谁？", "contact"),
    ("有问题找谁？", "contact"),
    ("修路那封答复的承办人是谁？", "contact"),
    ("这件事具体是谁经办的？", "contact"),
    ("这封信是写给哪个单位的？", "addressee"),
    ("这件提案是哪几位委员提的？", "addressee"),
    ("那件建议是谁提出的？", "addressee"),
    ("What is the number of the deputy's suggestion on school buses?", "proposal_number"),
    ("那封信落款是哪天？", "date"),
    ("水务局那封答复是哪天发的？", "date"),
    ("这份复函是什么时候写的？", "date"),
    ("答复的时间是什么？", "date"),
    ("修路那封答复是哪个单位写的？", "agency"),
    ("这封信是哪个部门答复的？", "agency"),
    ("公园那封回复是由哪个机关发的？", "agency"),
    ("这份答复的承办负责人是谁？", "signer"),
    ("Who wrote the reply about the bus lines?", "agency"),
    ("那份答复属于哪一类？", "category"),
    ("修路的建议是第几号？", "proposal_number"),
    ("What number is the county's suggestion on buses?", "proposal_number"),
    ("Who should I call about the parking reply?", "contact"),
    ("When did the housing bureau sign its reply?", "date"),
    ("When did the transport bureau reply?", "date"),
    ("这封信是谁写的？", "agency"),
    ("这封信是谁写给谁的？", "agency"),
    ("这封信是谁写给谁的？", "addressee"),
    ("Who wrote this letter, and to whom?", "agency"),
    ("Who wrote this letter, and to whom?", "addressee"),
    ("Who wrote the suggestion about the bus lines?", "addressee"),
    ("修路的建议是哪些代表提的？", "addressee"),
    ("园林局答复的是哪几位委员？", "addressee"),
    ("修路的建议是几位代表提的？", "addressee"),
    ("Who signed off on the reply about the bus lines?", "signer"),
    ("那封答复的联系电话是多少？", "phone"),                   # 是多少 asks the phone; it counts nothing
    ("临湘那封答复的文号是多少？", "doc_number"),
    ("那封答复是几月几号发的？", "date"),
    ("这件建议的办理类别是什么？", "category"),
    ("What category was this suggestion handled as?", "category"),
    ("停车那封答复是哪个单位发的，什么时候发的？", "date"),   # the later part's subject is the letter too
    ("停车那封答复是哪个单位发的，什么时候发的？", "agency"),
    ("这封信是谁写的？哪天写的？", "date"),
    ("Who replied about the parking suggestion, and when?", "agency"),
    ("Which county replied about the Bajia road?", "agency"),
    ("Who replied about the parking suggestion, and when?", "date"),
    ("Which bureau replied on bus lines and on what date?", "date"),
    ("这件提案属于哪一类？", "category"),                      # the reply's class is its proposal's
    ("修路的建议列为几类？", "category"),
    ("Who was the parking suggestion from?", "addressee"),
    ("Who did the suggestion on drinking water come from?", "addressee"),
    ("Whose proposal was the bus reply about?", "addressee"),
    ("哪个部门办理的第36号提案？", "agency"),                  # the body that handled it wrote the reply
    ("修路的建议是哪个单位承办的？", "agency"),
    ("第12号建议的主办单位是哪个？", "agency"),
    ("Which bureau handled proposal No. 36?", "agency"),
    ("Who dealt with the suggestion on school buses?", "agency"),
    ("On what date was the water bureau's reply to proposal No. 8 issued?", "date"),
    ("Which day did the county government sign its reply to the deputies?", "date"),
    ("Which office signed the reply on street lights, and on what date?", "agency"),
    ("Which office signed the reply on street lights, and on what date?", "date"),
    ("Which deputies submitted the suggestion on bus lanes?", "addressee"),
    ("Which members raised the proposal about the library?", "addressee"),
    ("修桥的那件建议是在哪次会议上提的？", "session"),
    ("这件提案是政协哪一届会议提出的？", "session"),
    ("At which session was the proposal on the library raised?", "session"),
    ("What meeting was the suggestion on bus lanes put forward at?", "session"),
    ("修桥那份报告是哪天发的？", "date"),
    ("修桥那件建议的会办单位是哪些？", "co_handlers"),
    ("这份答复征求了哪些部门的意见？", "co_handlers"),
    ("图书馆的提案是和哪个单位一起办理的？", "co_handlers"),
    ("Which departments were consulted on the reply about the library?", "co_handlers"),
    ("Which bureau co-handled the suggestion on bus lanes?", "co_handlers"),
    ("Which bureau answered the suggestion on bus lanes?", "agency"),
    ("Which department responded to the library proposal?", "agency"),
    ("What date is on the water bureau's reply about the reservoir?", "date"),
    ("What is the date of the housing bureau's reply?", "date"),
    ("修桥那件建议是哪位人大代表提的？", "addressee"),
    ("图书馆的提案是哪几位政协委员提的？", "addressee"),
    ("Which ministry did the bureau work with to handle the proposal on reservoirs?", "co_handlers"),
])
def test_ways_of_asking_for_a_header_or_sign_off_fact(analyser: QuestionAnalyser, question: str, field: str) -> None:
    assert field in analyser.analyse(question).fields


@pytest.mark.parametrize("question", ["哪些类别的企业可以申请补贴？", "全市有几个4A级景区？", "谁负责修路？",
                                      "这笔修路资金是谁提供的？", "What was the number of suggestions received?",
                                      "答复里说的新校区什么时候开工？", "补助资金是哪个部门发的？", "信号灯什么时候装好？",
                                      "短信什么时候发？", "这个项目的负责人是谁？",
                                      "哪些委员参加了调研？", "这个项目属于哪一类？", "When did the bridge open?",
                                      "第几号线路改了站？", "新校区什么时候开工，哪天完工？",
                                      "Who repaired the road, and when?", "When did the bridge open and who paid?",
                                      "有几位代表参加了调研？", "补助资金由哪个部门负责办理？",
                                      "项目的主办单位是谁？", "Who benefits from the suggestion?",
                                      "What date was the plan issued, according to the reply?",
                                      "When was the new school opened, according to the letter?",
                                      "On what date will the road the reply mentions be finished?",
                                      "这个项目是在哪次会议上通过的？", "Which meeting approved the road plan?",
                                      "市里和哪些部门一起开展了道路整治？", "哪些部门参与了联合执法？",
                                      "监测报告是哪天发布的？",
                                      "Were residents consulted about the bus lanes?",
                                      "Who are the co-organisers of the book fair?",
                                      "What is the date of the plan the reply mentions?",
                                      "Which departments did the city work with to repair the roads?",
                                      "Which bureau answers for the bus lanes?",
                                      "How many scam phone calls were intercepted last year?",   # a figure
                                      "How much was signed for the county's forest products at the fair?",
                                      "全市拦截了多少个诈骗电话？"])
def test_topic_questions_ask_for_no_header_fact(analyser: QuestionAnalyser, question: str) -> None:
    assert analyser.analyse(question).fields == ()


@pytest.mark.parametrize("question", ["Which bureau handled proposal No. 36?", "What did suggestion no. 12 ask for?",
                                      "第36号提案是关于什么的？"])
def test_a_question_naming_a_proposal_by_its_number_does_not_ask_the_number(analyser: QuestionAnalyser,
                                                                          question: str) -> None:
    assert "proposal_number" not in analyser.analyse(question).fields


def test_a_later_part_after_a_question_about_the_letter_asks_about_the_letter_only_without_a_subject_of_its_own(
        analyser: QuestionAnalyser) -> None:
    question = analyser.analyse("停车那封答复是哪个单位发的，补助资金什么时候发？")
    assert question.fields == ("agency",)
    assert [part.fields for part in question.parts] == [("agency",), ()]


def test_an_english_word_the_dictionary_also_renders_as_a_place_is_no_place_unless_spelt_so(
        analyser: QuestionAnalyser) -> None:
    question = analyser.analyse("How many school places did the Longguang Primary School project add in Nanning's "
                                "Wuxiang New Area, beside the Shouguang Vocational Education Center?")
    alternatives = {alt for place in question.places for alt in place.alternatives}
    assert "南宁市" in alternatives and not alternatives & {"新建", "城区", "老城区"}
    # a province is itself, not the counties whose dictionary entries name it
    assert [set(p.alternatives) for p in analyser.analyse("How many schools did Guangxi build?").places] == [{"广西", "广西壮族自治区"}]
    assert [p.alternatives for p in analyser.analyse("How many schools did Qiqihar build?").places] == [("齐齐哈尔市",)]


def test_capitalised_words_that_are_not_places_are_no_place_check(analyser: QuestionAnalyser) -> None:
    question = analyser.analyse("Since when has the Ministry of Education funded rural schools in Guangzhou?")
    assert [place.source for place in question.places] == ["guangzhou"]


def test_a_district_jiebas_dictionary_tags_as_a_name_is_no_person(analyser: QuestionAnalyser) -> None:
    # 东丽区 and 万荣县 are tagged nr (personal name) in jieba's dictionary
    question = analyser.analyse("东丽区住建委那份答复找谁？万荣县的联系人呢？")
    assert not question.people


def test_an_elliptic_follow_up_keeps_the_year_and_place_it_does_not_replace(analyser: QuestionAnalyser) -> None:
    first = analyser.analyse("2021年杭州市新建了多少所学校？")
    follow_up = analyser.analyse("预计什么时候能投入使用？").with_context(first)
    assert follow_up.years == first.years and follow_up.places == first.places
    other = analyser.analyse("那2022年宁波市呢？").with_context(first)
    assert other.years == {"2022"} and [p.source for p in other.places] == ["宁波市"]


def test_what_is_left_of_an_asking_phrase_is_no_topic_so_a_bare_when_question_is_a_follow_up(analyser: QuestionAnalyser) -> None:
    question = analyser.analyse("大概什么时候能完工？")
    assert "时候" not in [group.source for group in question.groups]
    assert analyser.is_follow_up(question)
    assert not analyser.is_follow_up(analyser.analyse("杭州市新图书馆大概什么时候能完工？"))


def test_the_rank_word_after_an_english_place_name_picks_the_places_of_that_rank(analyser: QuestionAnalyser) -> None:
    county = analyser.analyse("How many schools did Tongjiang county build last year?").places
    city = analyser.analyse("How many schools did Tongjiang city build last year?").places
    assert "通江县" in county[0].alternatives and "同江市" not in county[0].alternatives
    assert "同江市" in city[0].alternatives and "通江县" not in city[0].alternatives


def test_a_capitalised_rank_word_is_the_names_suffix_not_a_place_of_its_own(analyser: QuestionAnalyser) -> None:
    # "County" had been a place of its own, rendered 南县 and 定安: a letter naming 定安 was the one asked about
    county = analyser.analyse("How many schools did Tongjiang County build last year?").places
    assert [p.source for p in county] == ["tongjiang"] and "通江县" in county[0].alternatives
    assert [p.source for p in analyser.analyse("How many schools did Tongjiang City build last year?").places] == ["tongjiang"]
    for rank in ("County", "Counties", "City", "Province", "District", "Town", "Township", "Village", "Region"):
        assert not analyser.analyse(f"Which {rank} replied about parking?").places, rank


def test_a_capitalised_direction_is_part_of_a_name_not_a_place_of_its_own(analyser: QuestionAnalyser) -> None:
    # "West" had been a place rendered 西湖: a letter without 西湖 could not answer about "Guangzhou West Station"
    places = analyser.analyse("How often do buses leave Guangzhou West Station at rush hour?").places
    assert [p.source for p in places] == ["guangzhou"]
    for direction in ("North", "South", "East", "West", "Northern"):
        assert not analyser.analyse(f"How long is the {direction} Ring Road?").places, direction


def test_a_town_the_dictionary_only_knows_as_a_county_is_not_that_county(analyser: QuestionAnalyser) -> None:
    # CC-CEDICT renders Boluo only as 博罗县; a town of that name is not checked for the county. (This analyser
    # knows every word, so 博罗镇 is a word of its letters: the town is checked for that, test_romanised.py.)
    assert [p.alternatives for p in analyser.analyse("How many roads did Boluo county widen?").places] == [("博罗县",)]
    assert all(not alt.endswith("县") for p in analyser.analyse("How many roads did Boluo town widen?").places
               for alt in p.alternatives)


def test_a_yes_no_or_either_or_question_is_a_part_of_its_own(analyser: QuestionAnalyser) -> None:
    question = analyser.analyse("这封信是写给哪个单位的？你们局是主办还是协办？")
    assert [part.text for part in question.parts] == ["这封信是写给哪个单位的", "你们局是主办还是协办"]


def test_a_clause_saying_which_letter_is_no_part(analyser: QuestionAnalyser) -> None:
    question = analyser.analyse("关于乡村学校的那份答复里，一共新建了几所小学？")
    assert not question.parts


@pytest.mark.parametrize("text", ["如何", "繁體的問題", "𠀀", "5G", "CIO?", "What about Zhongfang?", "AI"])
def test_a_chinese_character_or_a_word_with_a_letter_is_something_to_look_for(text: str) -> None:
    from retrieval.question import looks_for_something

    assert looks_for_something(text)


@pytest.mark.parametrize("text", ["v", "；", "2%117", "—“）?\"", "？\t\tw🎉", "😀😀", "안녕하세요", "…"])
def test_one_letter_digits_punctuation_emoji_or_another_script_name_nothing(text: str) -> None:
    from retrieval.question import looks_for_something

    assert not looks_for_something(text)


def test_digits_name_something_only_in_a_follow_up() -> None:
    from retrieval.question import looks_for_something

    assert not looks_for_something("2022?") and looks_for_something("2022?", numbers=True)
    assert not looks_for_something("v", numbers=True)


@pytest.mark.parametrize(("text", "courtesy"), [
    ("谢谢", True), ("好的，谢谢！", True), ("OK thanks", True), ("Thanks 😀", True), ("你好", True), ("嗯嗯", True),
    ("谢谢，5G基站有多少个？", False), ("好的，那2022年呢？", False), ("thanks, how many filings?", False),
    ("可以申请吗？", False), ("感谢信是谁写的？", False), ("收到了吗？", False),
])
def test_thanks_greetings_and_acknowledgements_alone_are_no_question(text: str, courtesy: bool) -> None:
    from retrieval.question import is_courtesy, looks_for_something

    assert is_courtesy(text) is courtesy
    if courtesy:
        assert not looks_for_something(text, numbers=True)


def test_search_terms_hold_each_idea_once_with_its_renderings_together(analyser: QuestionAnalyser) -> None:
    question = analyser.analyse("What is the total length of rural roads in the county?")
    terms = question.search_terms
    ideas = [term for term in terms if isinstance(term, tuple)]
    assert ideas and all(len(idea) > 1 for idea in ideas)  # one rendering alone is a plain word
    words = [word for term in terms for word in ((term,) if isinstance(term, str) else term)]
    assert set(words) == set(question.search_words)  # the same words BM25 was given before, grouped
    assert len(terms) < len(question.search_words)
    assert sum(isinstance(term, tuple) and "公路" in term for term in terms) == 1


def test_a_chinese_questions_search_terms_are_its_search_words(analyser: QuestionAnalyser) -> None:
    question = analyser.analyse("麦积区农村公路总里程是多少？")
    words = [word for term in question.search_terms for word in ((term,) if isinstance(term, str) else term)]
    assert sorted(words) == sorted(question.search_words)  # each word once, standing alone or in its idea
