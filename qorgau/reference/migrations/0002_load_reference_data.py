"""Load the reference lists (directions of rule 10, regions, channels, kinds of help, outcomes):
(code, kk, ru, en) in the order shown. The rows are frozen here (decision 0017): a change to a
list is a new data migration, never an edit of this one."""

from django.db import migrations

LISTS = {
    "Direction": [
        (
            "1",
            "Адам және азамат құқықтары мен бостандықтарын қорғау, заңдылықты қадағалау",
            "Защита прав и свобод человека и гражданина, надзор за законностью",
            "Human and civil rights and freedoms, supervision of legality",
        ),
        (
            "2",
            "Өмірді, денсаулықты қорғау, қоғамдық тәртіп және қоғамдық қауіпсіздік",
            "Защита жизни и здоровья, общественный порядок и общественная безопасность",
            "Protection of life and health, public order and public safety",
        ),
        (
            "3",
            "Жеке және заңды тұлғаларға заң көмегін ұйымдастыру және көрсету",
            "Организация и оказание юридической помощи физическим и юридическим лицам",
            "Legal aid to individuals and legal entities",
        ),
        (
            "4",
            "Бала құқықтарын қорғау, білім беру және оның сапасы, тіл саясаты",
            "Защита прав детей, образование и его качество, языковая политика",
            "Children's rights, education and its quality, language policy",
        ),
        (
            "5",
            "Мүгедектігі бар адамдарды әлеуметтік қорғау, зейнетақы, әлеуметтік көмек, еңбек, көші-қон",
            "Социальная защита лиц с инвалидностью, пенсии, социальная помощь, труд, миграция",
            "Social protection of persons with disabilities, pensions, social assistance, labour, migration",
        ),
        (
            "6",
            "Денсаулық сақтау, қолжетімді және сапалы медициналық көмек",
            "Здравоохранение, доступная и качественная медицинская помощь",
            "Health care, accessible and quality medical care",
        ),
        (
            "7",
            "Табиғи және техногендік төтенше жағдайлар, өрт қауіпсіздігі",
            "Природные и техногенные чрезвычайные ситуации, пожарная безопасность",
            "Natural and man-made emergencies, fire safety",
        ),
        (
            "8",
            "Сыртқы саясат органының құзыретіндегі мәселелер",
            "Вопросы компетенции органа внешней политики",
            "Matters of the body conducting foreign policy",
        ),
        (
            "9",
            "Мемлекеттік жастар және отбасы саясаты, ақпарат, діни қызмет, қайырымдылық, еріктілік",
            "Государственная молодёжная и семейная политика, информация, религия, благотворительность, волонтёрство",
            "Youth and family policy, information, religion, charity, volunteering",
        ),
        (
            "10",
            "Жұмылдыру, әскери білім және ғылым, әскери-патриоттық тәрбие",
            "Мобилизация, военное образование и наука, военно-патриотическое воспитание",
            "Mobilisation, military education and science, military-patriotic upbringing",
        ),
        (
            "11",
            "Ветеринариялық бақылау және қадағалау, жер ресурстарын басқару",
            "Ветеринарный контроль и надзор, управление земельными ресурсами",
            "Veterinary control and supervision, land resources",
        ),
        (
            "12",
            "Темір жол, автомобиль және өзге көлік, авиация, жолдар, әуежайлар",
            "Железнодорожный, автомобильный и иной транспорт, авиация, дороги, аэропорты",
            "Rail, road and other transport, aviation, roads, airports",
        ),
        (
            "13",
            "Туризм, дене шынықтыру және спорт",
            "Туризм, физическая культура и спорт",
            "Tourism, physical culture and sport",
        ),
    ],
    "Region": [
        ("abai", "Абай облысы", "Абайская область", "Abai Region"),
        ("akmola", "Ақмола облысы", "Акмолинская область", "Akmola Region"),
        ("aktobe", "Ақтөбе облысы", "Актюбинская область", "Aktobe Region"),
        ("almaty_region", "Алматы облысы", "Алматинская область", "Almaty Region"),
        ("atyrau", "Атырау облысы", "Атырауская область", "Atyrau Region"),
        (
            "east_kazakhstan",
            "Шығыс Қазақстан облысы",
            "Восточно-Казахстанская область",
            "East Kazakhstan Region",
        ),
        ("zhambyl", "Жамбыл облысы", "Жамбылская область", "Zhambyl Region"),
        ("zhetysu", "Жетісу облысы", "Жетысуская область", "Zhetysu Region"),
        (
            "west_kazakhstan",
            "Батыс Қазақстан облысы",
            "Западно-Казахстанская область",
            "West Kazakhstan Region",
        ),
        ("karaganda", "Қарағанды облысы", "Карагандинская область", "Karaganda Region"),
        ("kostanay", "Қостанай облысы", "Костанайская область", "Kostanay Region"),
        ("kyzylorda", "Қызылорда облысы", "Кызылординская область", "Kyzylorda Region"),
        ("mangystau", "Маңғыстау облысы", "Мангистауская область", "Mangystau Region"),
        ("pavlodar", "Павлодар облысы", "Павлодарская область", "Pavlodar Region"),
        (
            "north_kazakhstan",
            "Солтүстік Қазақстан облысы",
            "Северо-Казахстанская область",
            "North Kazakhstan Region",
        ),
        ("turkistan", "Түркістан облысы", "Туркестанская область", "Turkistan Region"),
        ("ulytau", "Ұлытау облысы", "Улытауская область", "Ulytau Region"),
        ("astana", "Астана қаласы", "город Астана", "Astana city"),
        ("almaty", "Алматы қаласы", "город Алматы", "Almaty city"),
        ("shymkent", "Шымкент қаласы", "город Шымкент", "Shymkent city"),
    ],
    "Channel": [
        ("phone", "Телефон қоңырауы", "Телефонный звонок", "Phone call"),
        ("web_form", "Сайттағы веб-нысан", "Веб-форма на сайте", "Web form"),
        ("school_qr", "Мектептегі QR-нысан", "QR-форма в школе", "School QR form"),
        ("paper_letter", "Қағаз жүзіндегі хат", "Письмо на бумаге", "Letter on paper"),
        ("e_letter", "Электрондық хат", "Электронное письмо", "Electronic letter"),
        (
            "oral_visit",
            "Ауызша өтініш (жеке қабылдау)",
            "Устное обращение (личный приём)",
            "Oral visit",
        ),
        ("video_call", "Бейне қоңырау", "Видеозвонок", "Video call"),
    ],
    "HelpKind": [
        (
            "information",
            "Ақпараттық-анықтамалық көмек",
            "Информационно-справочная помощь",
            "Information and reference",
        ),
        ("psychological", "Психологиялық көмек", "Психологическая помощь", "Psychological help"),
        (
            "organisational",
            "Ұйымдастырушылық көмек",
            "Организационная помощь",
            "Organisational help",
        ),
    ],
    "Outcome": [
        (
            "consultation",
            "Кеңес берумен жауап берілді",
            "Дан ответ консультацией",
            "Answered by consultation",
        ),
        (
            "referred",
            "Мемлекеттік органға жіберілді",
            "Направлено в государственный орган",
            "Referred to an agency",
        ),
        (
            "transferred_1414",
            "1414 орталығына ауыстырылды",
            "Переведено в центр 1414",
            "Transferred to 1414",
        ),
        (
            "out_of_competence",
            "Құзыреттен тыс: құзыретті орган аталды",
            "Вне компетенции: назван компетентный орган",
            "Out of competence, competent body named",
        ),
    ],
}


def load(apps, schema_editor):
    """Insert or update every list (idempotent)."""
    for model_name, rows in LISTS.items():
        model = apps.get_model("reference", model_name)
        for position, (code, kk, ru, en) in enumerate(rows, start=1):
            model.objects.update_or_create(
                code=code,
                defaults={"name_kk": kk, "name_ru": ru, "name_en": en, "position": position},
            )


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
