"""Internal notes and follow-ups (tasks and callbacks) on appeals; their texts encrypted."""

import django.db.models.deletion
import django.utils.timezone
import qorgau.core.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('appeals', '0007_saved_filters'),
        ('casework', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='FollowUp',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('task', 'Task'), ('callback', 'Call the applicant back')], max_length=10, verbose_name='kind')),
                ('what', qorgau.core.fields.EncryptedTextField(verbose_name='what to do')),
                ('due_at', models.DateTimeField(verbose_name='due at')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                ('done_at', models.DateTimeField(blank=True, null=True, verbose_name='done at')),
                ('result', qorgau.core.fields.EncryptedTextField(blank=True, verbose_name='result')),
                ('cancelled_at', models.DateTimeField(blank=True, null=True, verbose_name='cancelled at')),
                ('cancel_reason', qorgau.core.fields.EncryptedTextField(blank=True, verbose_name='reason for cancelling')),
                ('appeal', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='followups', to='appeals.appeal', verbose_name='appeal')),
                ('assignee', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='followups', to=settings.AUTH_USER_MODEL, verbose_name='assignee')),
                ('cancelled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='cancelled by')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('done_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='done by')),
            ],
            options={
                'verbose_name': 'follow-up',
                'verbose_name_plural': 'follow-ups',
                'indexes': [models.Index(condition=models.Q(('cancelled_at__isnull', True), ('done_at__isnull', True)), fields=['assignee', 'due_at'], name='casework_followup_open_due'), models.Index(fields=['appeal', 'due_at'], name='casework_followup_appeal')],
            },
        ),
        migrations.CreateModel(
            name='Note',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='written at')),
                ('text', qorgau.core.fields.EncryptedTextField(verbose_name='text')),
                ('appeal', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='notes', to='appeals.appeal', verbose_name='appeal')),
                ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='written by')),
            ],
            options={
                'verbose_name': 'internal note',
                'verbose_name_plural': 'internal notes',
                'indexes': [models.Index(fields=['appeal', 'at'], name='casework_note_appeal_at')],
            },
        ),
    ]
