from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("标题"))

    class Meta:
        icon = "title"
        template = "cms/blocks/heading.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("引文"))
    source = blocks.CharBlock(label=_("出处"), required=False)

    class Meta:
        icon = "openquote"
        template = "cms/blocks/quote.html"


class BaseStreamBlock(blocks.StreamBlock):
    """The one body block set of every CMS page."""

    heading = HeadingBlock(label=_("小标题"))
    paragraph = blocks.RichTextBlock(
        label=_("正文"), template="cms/blocks/paragraph.html"
    )
    image = ImageBlock(label=_("图片"), template="cms/blocks/image.html")
    quote = QuoteBlock(label=_("引文"))
    embed = EmbedBlock(label=_("嵌入媒体"), template="cms/blocks/embed.html")


class LogoBlock(blocks.StructBlock):
    image = ImageBlock(label=_("标志"))
    name = blocks.CharBlock(label=_("名称"))
    url = blocks.URLBlock(label=_("链接"), required=False)

    class Meta:
        icon = "image"
        template = "cms/blocks/logo.html"
