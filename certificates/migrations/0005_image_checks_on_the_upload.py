"""The certificate images are checked on upload by their form field; the stored ones stay."""

import certificates.images
import certificates.models
import django.core.validators
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('certificates', '0004_models_moved_to_trainings'),
    ]

    operations = [
        migrations.AlterField(
            model_name='certificatesettings',
            name='background',
            field=certificates.images.CertificateImageField(blank=True, upload_to=certificates.models._asset_upload_to, validators=[django.core.validators.FileExtensionValidator(['png', 'jpg', 'jpeg', 'svg'])], verbose_name='background image'),
        ),
        migrations.AlterField(
            model_name='certificatesettings',
            name='logo',
            field=certificates.images.CertificateImageField(blank=True, help_text='PNG, JPG or SVG. Without one, a neutral emblem is printed.', upload_to=certificates.models._asset_upload_to, validators=[django.core.validators.FileExtensionValidator(['png', 'jpg', 'jpeg', 'svg'])], verbose_name='logo'),
        ),
        migrations.AlterField(
            model_name='certificatesettings',
            name='signature_image',
            field=certificates.images.CertificateImageField(blank=True, upload_to=certificates.models._asset_upload_to, validators=[django.core.validators.FileExtensionValidator(['png', 'jpg', 'jpeg', 'svg'])], verbose_name='signature image'),
        ),
    ]
